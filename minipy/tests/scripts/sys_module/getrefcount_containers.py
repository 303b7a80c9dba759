# Every slot of a container that holds an object counts as one reference:
# a list holding it three times adds three. Removing it gives them back.
import sys

class A:
    pass

a = A()
base = sys.getrefcount(a)
print("base:", base)
l = [a]
print("in a list:", sys.getrefcount(a) - base)
l.append(a)
l.append(a)
print("three times in a list:", sys.getrefcount(a) - base)
d = {"k": a}
print("plus a dict value:", sys.getrefcount(a) - base)
t = (a, a)
print("plus a tuple holding it twice:", sys.getrefcount(a) - base)
holder = A()
holder.attr = a
print("plus an attribute:", sys.getrefcount(a) - base)
del l, d, t
holder.attr = None
print("all removed:", sys.getrefcount(a) - base)
