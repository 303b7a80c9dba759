# Several weak references with callbacks on one object: when it dies the
# callbacks run newest first.
import gc
import weakref

class Target:
    pass

def make_cb(name):
    def cb(ref):
        print("callback", name)
    return cb

t = Target()
refs = []
for name in ["first", "second", "third"]:
    refs.append(weakref.ref(t, make_cb(name)))
print("deleting")
del t

gc.collect()
c = Target()
c.me = c
for name in ["one", "two", "three"]:
    refs.append(weakref.ref(c, make_cb(name)))
del c
print("collecting")
gc.collect()
print("end")
