try:
    raise ValueError('scoped')
except ValueError as e:
    msg = str(e)
print(msg)
try:
    e
    print('e still bound')
except NameError:
    print('e unbound after except')
err = None
try:
    {}['missing']
except KeyError as caught:
    err = caught
print(type(err).__name__, err.args)
