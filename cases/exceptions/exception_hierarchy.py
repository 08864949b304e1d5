def classify(f):
    try:
        f()
    except LookupError as e:
        return 'LookupError/' + type(e).__name__
    except ArithmeticError as e:
        return 'ArithmeticError/' + type(e).__name__
    except Exception as e:
        return 'Exception/' + type(e).__name__
    return 'none'
print(classify(lambda: [][0]))
print(classify(lambda: {}['k']))
print(classify(lambda: 1 // 0))
print(classify(lambda: int('x')))
print(classify(lambda: None.attr))
print(classify(lambda: undefined_thing))
print(classify(lambda: 'a' + 1))
print(classify(lambda: 0))
print(issubclass(KeyError, LookupError), issubclass(ZeroDivisionError, ArithmeticError))
print(issubclass(KeyboardInterrupt, Exception), issubclass(KeyboardInterrupt, BaseException))
