print((1, 2) < (1, 3), (1, 2) < (1, 2, 0), (2,) > (1, 9, 9), () < (0,))
print((1, 'a') == (1, 'a'), (1, 2) != (2, 1))
pairs = [(2, 'b'), (1, 'z'), (2, 'a'), (1, 'y'), (0, 'q')]
print(sorted(pairs))
print(sorted(pairs, reverse=True))
print(max(pairs), min(pairs))
