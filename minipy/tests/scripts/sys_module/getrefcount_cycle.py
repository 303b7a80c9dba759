# In a cycle each member is referenced by its partner, so after the names
# are gone the counts stay at one each: that is exactly why reference
# counting alone cannot free a cycle.
import gc
import sys

gc.collect()

class Node:
    pass

a = Node()
b = Node()
print("a with one name:", sys.getrefcount(a))
a.other = b
b.other = a
print("a with a name and b.other:", sys.getrefcount(a))
del a
print("a held only by b.other:", sys.getrefcount(b.other))
print("b with a name and a.other:", sys.getrefcount(b))
del b
print("collected:", gc.collect())
