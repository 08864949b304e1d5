class A:
    pass
class B(A):
    pass
class C:
    pass
b = B()
print(isinstance(b, B), isinstance(b, A), isinstance(b, C), isinstance(b, (C, A)))
print(issubclass(B, A), issubclass(A, B), issubclass(B, B), issubclass(B, object))
print(isinstance(3, int), isinstance('s', (int, str)), isinstance([], list), isinstance((), list))
print(isinstance(A, type), type(b) is B, type(b) is A, type(B) is type)
print(isinstance(None, object), isinstance(len, object))
