# A list that contains itself: one object, one cycle. gc.collect()
# reports it as one unreachable object.
import gc

gc.collect()
items = [1, 2, 3]
items.append(items)
print(items)
print(len(gc.get_referrers(items)) > 0)
del items
print("collected:", gc.collect())
a = []
b = [a]
a.append(b)
del a, b
print("two lists in a cycle:", gc.collect())
