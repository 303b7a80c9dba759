# Weak references compare by their referents while those live. A plain
# weakref.ref(obj) without callback is shared: asking twice gives the
# same weakref object. With a callback, each call makes a new one.
import weakref

class Obj:
    pass

o = Obj()
p = Obj()
r1 = weakref.ref(o)
r2 = weakref.ref(o)
print("shared:", r1 is r2, r1 == r2)
r3 = weakref.ref(o, lambda r: None)
print("with callback:", r3 is r1, r3 == r1, r3() is r1())
rp = weakref.ref(p)
print("different referents:", rp == r1)
del o
print("dead refs compare by identity:", r1 == r3, r1 == r1)
