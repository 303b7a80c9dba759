# In what order contents die when their container dies by refcount: a
# list releases its items last-to-first, a dict and an object's attributes
# first-to-first in insertion order, a tuple last-to-first, and a
# function's locals in the order they were first assigned.
class Item:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("  ", self.name)

print("list:")
l = [Item("l0"), Item("l1"), Item("l2")]
del l
print("tuple:")
t = (Item("t0"), Item("t1"), Item("t2"))
del t
print("dict:")
d = {"a": Item("d0"), "b": Item("d1"), "c": Item("d2")}
del d
print("attributes:")
holder = Item("holder")
holder.x = Item("x")
holder.y = Item("y")
del holder
print("locals:")
def scope():
    first = Item("first local")
    second = Item("second local")
    third = Item("third local")
scope()
print("done")
