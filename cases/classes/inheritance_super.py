class Animal:
    def __init__(self, name):
        self.name = name
    def speak(self):
        return self.name + ' makes a sound'
    def describe(self):
        return 'I am ' + self.name + ': ' + self.speak()
class Dog(Animal):
    def __init__(self, name, trick):
        super().__init__(name)
        self.trick = trick
    def speak(self):
        return self.name + ' barks'
class Puppy(Dog):
    def speak(self):
        return super().speak() + ' softly'
for a in (Animal('generic'), Dog('rex', 'sit'), Puppy('bit', 'roll')):
    print(a.describe())
p = Puppy('tiny', 'beg')
print(p.trick, isinstance(p, Animal), isinstance(p, Dog), issubclass(Puppy, Animal), issubclass(Animal, Dog))
