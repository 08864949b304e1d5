hay = 'abracadabra'
for needle in ('abra', 'cad', 'dab', 'bra', 'x', '', 'abracadabra', 'abracadabrax'):
    print(repr(needle), needle in hay, needle not in hay)
try:
    print(1 in 'abc')
except TypeError as e:
    print(type(e).__name__)
