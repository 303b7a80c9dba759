# When a weak reference is itself part of the garbage being collected,
# its callback is not called: only weakrefs that outlive the collection
# get their callbacks (CPython's handle_weakrefs rule).
import gc
import weakref

gc.collect()

class Node:
    pass

def inner_cb(ref):
    print("inner callback (not expected)")

def outer_cb(ref):
    print("outer callback: the survivor's weakref fires")

n = Node()
n.me = n
n.self_ref = weakref.ref(n, inner_cb)
outside = weakref.ref(n, outer_cb)
del n
print("collecting")
gc.collect()
print("end")
