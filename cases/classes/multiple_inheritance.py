class Walker:
    def move(self):
        return 'walk'
    def legs(self):
        return 2
class Swimmer:
    def move(self):
        return 'swim'
    def fins(self):
        return 1
class Duck(Walker, Swimmer):
    pass
class Fish(Swimmer):
    pass
class Amphibian(Swimmer, Walker):
    def both(self):
        return Walker.move(self) + '+' + Swimmer.move(self)
d = Duck()
print(d.move(), d.legs(), d.fins())
a = Amphibian()
print(a.move(), a.both(), isinstance(a, Walker), isinstance(Fish(), Walker))
print(issubclass(Duck, (Swimmer, int)), issubclass(Fish, Walker))
