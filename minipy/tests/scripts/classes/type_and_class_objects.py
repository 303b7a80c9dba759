# Classes are objects too: they can be stored, passed around and called;
# type(obj) gives the class back.
class Cat:
    def __init__(self, name):
        self.name = name
    def hello(self):
        return "meow from " + self.name

class Dog:
    def __init__(self, name):
        self.name = name
    def hello(self):
        return "woof from " + self.name

kinds = [Cat, Dog]
pets = [k("pet" + str(i)) for i, k in enumerate(kinds)]
for p in pets:
    print(type(p).__name__, p.hello())
print(type(pets[0]) is Cat, type(Cat).__name__)
make = Dog
print(make("rex").hello())
def build(cls, name):
    return cls(name)
print(build(Cat, "tom").hello())
print(Cat.__name__, type(Cat("x")) == Cat)
