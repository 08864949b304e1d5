def attempt(label, f):
    try:
        print(label, f())
    except NotImplementedError as e:
        print(label, type(e).__name__)

attempt('list', lambda: [1, 2, 3, 4, 5][::2])
attempt('list rev', lambda: [1, 2, 3][::-1])
attempt('str', lambda: 'abcdef'[::2])
attempt('str rev', lambda: 'abc'[::-1])
attempt('bytes', lambda: b'abcdef'[1::2])
attempt('tuple', lambda: (1, 2, 3, 4)[::-1])
attempt('bytearray', lambda: bytearray(b'xyz')[::2])
attempt('str step 1', lambda: 'abcdef'[1:5:1])
