# If the weak reference object itself dies before its referent, its
# callback is never called.
import weakref

class Target:
    pass

def cb(ref):
    print("callback called (not expected)")

def keep(ref):
    print("callback of the kept weakref")

t = Target()
r1 = weakref.ref(t, cb)
r2 = weakref.ref(t, keep)
del r1
print("weakref r1 deleted")
del t
print("end")
