# Methods calling other methods, returning self for chaining, and a
# function stored on an instance (which does NOT get self passed).
class Builder:
    def __init__(self):
        self.parts = []
    def add(self, part):
        self.parts.append(part)
        return self
    def build(self):
        return "-".join(self.parts)
    def add_twice(self, part):
        return self.add(part).add(part)

b = Builder()
print(b.add("a").add("b").add_twice("c").build())

def shout(text):
    return text.upper() + "!"

b.transform = shout
print(b.transform("plain function"))
Builder.describe = lambda self: "builder with " + str(len(self.parts)) + " parts"
print(b.describe())
