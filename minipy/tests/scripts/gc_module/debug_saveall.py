# With gc.DEBUG_SAVEALL, garbage found by a collection is not freed but
# appended to gc.garbage, where it can be inspected.
import gc

gc.collect()

class Node:
    pass

gc.set_debug(gc.DEBUG_SAVEALL)
x = Node()
y = Node()
x.other = y
y.other = x
l = [1, 2]
l.append(l)
del x, y, l
print("collected:", gc.collect())
print("garbage size:", len(gc.garbage))
print("garbage types:", sorted([type(o).__name__ for o in gc.garbage]))
lists = [o for o in gc.garbage if type(o) is list]
print("the saved list:", lists[0])
del lists
gc.set_debug(0)
gc.garbage.clear()
print("after clearing:", len(gc.garbage), "- collect:", gc.collect())
