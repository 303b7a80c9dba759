# An exception raised in a weakref callback is reported as "Exception
# ignored in: <function ...>" with a traceback on stderr; the program
# carries on and other callbacks still run.
import gc
import weakref

class Target:
    pass

def bad_cb(ref):
    print("bad callback runs")
    raise RuntimeError("callback failed")

def good_cb(ref):
    print("good callback runs")

t = Target()
r1 = weakref.ref(t, good_cb)
r2 = weakref.ref(t, bad_cb)
del t
print("after refcount death")

c = Target()
c.me = c
r3 = weakref.ref(c, bad_cb)
del c
gc.collect()
print("after collection")
