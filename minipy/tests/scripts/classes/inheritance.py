# Single inheritance: a subclass inherits methods, may override them, and
# isinstance() sees the whole chain.
class Animal:
    sound = "..."
    def __init__(self, name):
        self.name = name
    def speak(self):
        return self.name + " says " + self.sound
    def kind(self):
        return "animal"

class Dog(Animal):
    sound = "woof"
    def kind(self):
        return "dog"

class Puppy(Dog):
    def speak(self):
        return Dog.speak(self) + " (squeaky)"

for a in [Animal("generic"), Dog("rex"), Puppy("bit")]:
    print(a.speak(), "/", a.kind())
p = Puppy("bit")
print(isinstance(p, Puppy), isinstance(p, Dog), isinstance(p, Animal), isinstance(p, int))
print(isinstance(Dog("d"), Puppy), type(p).__name__, type(p) is Dog)
print(isinstance(p, (int, Dog)))
