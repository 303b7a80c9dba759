# A dict that holds itself as a value forms a one-object cycle; so do two
# dicts that refer to each other.
import gc

gc.collect()
registry = {"name": "registry"}
registry["self"] = registry
print(registry)
del registry
print("collected:", gc.collect())

x = {}
y = {"x": x}
x["y"] = y
del x, y
print("two dicts:", gc.collect())
print("nothing left:", gc.collect())
