# weakref.ref(obj, callback): when obj dies, callback is called with the
# weak reference itself (already dead) as its argument.
import weakref

class Target:
    pass

def on_death(ref):
    print("callback: got our weakref:", ref is wr, "- referent:", ref())

t = Target()
wr = weakref.ref(t, on_death)
print("before del")
del t
print("after del")

def make_and_drop():
    local = Target()
    weakref_holder.append(weakref.ref(local, lambda ref: print("lambda callback: dead =", ref() is None)))
    print("function returning")

weakref_holder = []
make_and_drop()
print("end")
