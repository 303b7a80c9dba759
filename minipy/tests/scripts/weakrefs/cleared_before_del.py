# In a collection, CPython clears the weak references to the garbage and
# runs their callbacks BEFORE any __del__ runs. So a finalizer sees the
# weakrefs to its own object already dead. (On the refcount path it is
# the other way round: __del__ first, then the weakrefs die.)
import gc
import weakref

gc.collect()
refs = {}

class Node:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("__del__", self.name, "- my weakref is dead:", refs[self.name]() is None)

def cb(ref):
    print("weakref callback")

n = Node("refcounted")
refs["refcounted"] = weakref.ref(n, cb)
del n

print("---")
m = Node("cyclic")
m.me = m
refs["cyclic"] = weakref.ref(m, cb)
del m
gc.collect()
print("end")
