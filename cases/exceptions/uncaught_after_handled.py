try:
    raise KeyError('handled')
except KeyError:
    print('first one handled')
try:
    pass
finally:
    print('finally ran')
print('about to fail')
raise RuntimeError('second one escapes')
