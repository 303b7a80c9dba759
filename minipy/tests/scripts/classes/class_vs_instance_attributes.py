# Class attributes are shared by all instances until an instance assigns
# its own attribute of the same name, which shadows the class one. A
# mutable class attribute is shared state (a classic surprise).
class Robot:
    count = 0
    laws = []
    def __init__(self, name):
        self.name = name
        Robot.count += 1

r1 = Robot("r1")
r2 = Robot("r2")
print(Robot.count, r1.count, r2.count)
r1.count = 100
print(Robot.count, r1.count, r2.count)
del r1.count
print(r1.count)
r1.laws.append("do no harm")
print(r2.laws, Robot.laws, r1.laws is r2.laws)
r2.laws = ["own list"]
print(r1.laws, r2.laws)
Robot.count = 0
print(r1.count, r2.count)
Robot.version = 2
print(r1.version, hasattr(r2, "version"))
