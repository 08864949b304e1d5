def attempt(label, f):
    try:
        print(label, f())
    except ZeroDivisionError as e:
        print(label, type(e).__name__)

attempt('floordiv', lambda: 5 // 0)
attempt('mod', lambda: 5 % 0)
attempt('divmod', lambda: divmod(5, 0))
attempt('neg floordiv', lambda: -5 // 0)
attempt('zero mod', lambda: 0 % 0)
attempt('ok', lambda: 0 // 5)
