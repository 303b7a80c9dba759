# Collections do not nest: gc.collect() called from a __del__ that is
# itself running inside a collection does nothing and returns 0. Called
# from a __del__ on the refcount path, it is an ordinary collection.
import gc

gc.collect()

class Collector:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print(self.name, "nested gc.collect() returns", gc.collect())

a = Collector("in a cycle:")
a.me = a
del a
print("outer collect:", gc.collect())

garbage = []
garbage.append(garbage)
del garbage
b = Collector("refcount path:")
del b
print("end")
