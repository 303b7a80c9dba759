# PEP 442 guarantees __del__ runs at most once per object, whichever way
# it dies. Here the first death is in a collection (the finalizer
# resurrects the object), the second by reference counting: the second
# time the object is simply freed, as the weak reference shows.
import gc
import weakref

holder = []
calls = []

class Cat:
    def __init__(self):
        self.lives = 9
    def __del__(self):
        calls.append("__del__")
        self.lives -= 1
        holder.append(self)

c = Cat()
c.me = c
del c
gc.collect()
print("after the collection: __del__ calls:", len(calls), "lives:", holder[0].lives)
cat = holder.pop()
cat.me = None
probe = weakref.ref(cat)
del cat
print("after the refcount death: __del__ calls:", len(calls), "freed:", probe() is None)
print("holder:", holder)
