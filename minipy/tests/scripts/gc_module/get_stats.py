# gc.get_stats(): one dict per generation with the number of collections,
# of objects collected and of uncollectable objects. The absolute numbers
# depend on the interpreter's history; the differences do not.
import gc

stats = gc.get_stats()
print(type(stats).__name__, len(stats))
for gen in stats:
    print(sorted(gen.keys()), sorted([type(v).__name__ for v in gen.values()]))

gc.collect()

class Node:
    pass

a = Node()
b = Node()
a.other = b
b.other = a
del a, b
before = gc.get_stats()[2]
gc.collect()
after = gc.get_stats()[2]
print("collections +", after["collections"] - before["collections"])
print("collected +", after["collected"] - before["collected"])
print("uncollectable +", after["uncollectable"] - before["uncollectable"])
