# A weakref callback also runs when its referent dies in a collection; it
# is called during gc.collect(), before gc.collect() returns.
import gc
import weakref

gc.collect()

class Node:
    pass

def gone(ref):
    print("callback: referent gone:", ref() is None)

a = Node()
b = Node()
a.other = b
b.other = a
wr = weakref.ref(a, gone)
del a, b
print("after del, referent alive:", wr() is not None)
print("collecting")
print("collected:", gc.collect())
print("after collect")
