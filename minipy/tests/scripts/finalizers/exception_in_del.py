# An exception raised inside __del__ cannot propagate anywhere: Python
# prints "Exception ignored in: ..." with the traceback on stderr and the
# program goes on, on the refcount path and in a collection alike.
import gc

class Fragile:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("__del__", self.name, "starts")
        raise ValueError("cleanup failed for " + self.name)

f = Fragile("refcounted")
del f
print("still running after the refcount path")

g = Fragile("in a cycle")
g.me = g
del g
gc.collect()
print("still running after the collection")
