class Base:
    def who(self):
        return 'Base'
class Left(Base):
    pass
class Right(Base):
    def who(self):
        return 'Right'
class Bottom(Left, Right):
    pass
print(Bottom().who())
print(Left().who(), Right().who())
print(isinstance(Bottom(), Base), issubclass(Bottom, Right))
