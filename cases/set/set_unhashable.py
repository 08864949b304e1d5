for bad in ([1], {1: 2}, {3}):
    try:
        s = {bad}
        print('added')
    except TypeError as e:
        print(type(e).__name__)
s = {(1, 2), 'a', 3, None}
print(len(s), (1, 2) in s, None in s)
print(sorted(str(x) for x in s))
