# The smallest cycle: an object that refers to itself. `del` drops the
# name, but the object's own attribute still holds it.
import gc
import weakref

gc.collect()

class Lonely:
    pass

obj = Lonely()
obj.me = obj
probe = weakref.ref(obj)
del obj
print("alive after del:", probe() is not None)
print("still reachable from itself:", probe().me is probe())
print("collected:", gc.collect())
print("alive after collect:", probe() is not None)
