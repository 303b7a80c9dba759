# gc.collect(generation): an object that survives a collection moves to
# an older generation, and a younger collection no longer looks at it.
import gc

gc.collect()

class Node:
    pass

a = Node()
b = Node()
a.other = b
b.other = a
print("young collection while alive:", gc.collect(0))
del a, b
print("collect(0) misses the cycle (it is in generation 1 now):", gc.collect(0))
print("collect(1) finds it:", gc.collect(1))

c = []
c.append(c)
gc.collect(1)
del c
print("after surviving collect(1) it is in generation 2:")
print("  collect(1):", gc.collect(1))
print("  collect(2):", gc.collect(2))

for bad in [3, -1]:
    try:
        gc.collect(bad)
    except ValueError as e:
        print("collect(" + str(bad) + "): ValueError:", e)
