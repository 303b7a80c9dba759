# __repr__ is the unambiguous form (used by repr(), containers and !r);
# __str__ is the friendly form (used by print() and str()). If only
# __repr__ is defined, str() uses it too.
class Money:
    def __init__(self, cents):
        self.cents = cents
    def __repr__(self):
        return "Money(" + repr(self.cents) + ")"
    def __str__(self):
        return "$" + str(self.cents // 100) + "." + str(self.cents % 100)

class Tag:
    def __init__(self, name):
        self.name = name
    def __repr__(self):
        return "<" + self.name + ">"

m = Money(1250)
print(m)
print(repr(m), str(m))
print([m, Money(5)])
print({"price": m})
print(f"{m} {m!r}")
t = Tag("b")
print(t, str(t), [t], (t,))
print("total: " + str(m))
