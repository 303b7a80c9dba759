# super() calls the parent class's version of a method; each __init__ in
# the chain runs only if the child calls it.
class Base:
    def __init__(self, name):
        print("Base.__init__", name)
        self.name = name
    def describe(self):
        return "base(" + self.name + ")"

class Middle(Base):
    def __init__(self, name, level):
        print("Middle.__init__", level)
        super().__init__(name)
        self.level = level
    def describe(self):
        return "middle[" + super().describe() + "]"

class Leaf(Middle):
    def __init__(self):
        print("Leaf.__init__")
        super().__init__("leaf", 3)
    def describe(self):
        return "leaf{" + super().describe() + "}"

obj = Leaf()
print(obj.name, obj.level)
print(obj.describe())

class NoInit(Base):
    pass

n = NoInit("inherited")
print(n.describe())
