# __slots__ fixes the set of attributes: assigning any other attribute
# raises AttributeError. Slots that were never assigned raise on read.
class Point:
    __slots__ = ("x", "y")
    def __init__(self, x):
        self.x = x

p = Point(1)
p.y = 2
print(p.x, p.y)
try:
    p.z = 3
except AttributeError as e:
    print("AttributeError:", e)
q = Point(5)
try:
    print(q.y)
except AttributeError as e:
    print("AttributeError:", e)
del p.y
print(hasattr(p, "y"), hasattr(p, "x"))
p.x = 100
print(p.x, Point.__slots__)
