name = 'bytecode_loader.mpy'
print(name.startswith('byte'), name.startswith('code'), name.endswith('.mpy'))
print(name.endswith('.py'), name.endswith('mpy'), name.startswith(''))
print(name[9:].startswith('loader'), name.endswith(name))
print(''.startswith(''), ''.endswith('a'))
