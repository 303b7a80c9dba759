# __init__ sets up instance attributes; attributes can be added, changed
# and deleted later, and each instance has its own.
class Point:
    def __init__(self, x, y=0):
        self.x = x
        self.y = y

p = Point(1, 2)
q = Point(5)
print(p.x, p.y, q.x, q.y)
p.x = 10
p.label = "moved"
print(p.x, p.label, hasattr(q, "label"))
del p.label
print(hasattr(p, "label"))
try:
    print(q.z)
except AttributeError as e:
    print("AttributeError:", e)
print(type(p).__name__, Point.__name__, type(p) is Point)
print(Point)
try:
    Point()
except TypeError as e:
    print("TypeError:", e)
