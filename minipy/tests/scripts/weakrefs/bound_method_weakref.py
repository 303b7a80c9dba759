# A weak reference to a bound method dies at once: `obj.method` creates a
# new bound-method object each time, and nothing else holds it. Keep a
# weak reference to the instance (or to the function) instead.
import weakref

class Handler:
    def handle(self):
        return "handled"

h = Handler()
wm = weakref.ref(h.handle)
print("weakref to bound method is dead:", wm() is None)

wi = weakref.ref(h)
func = Handler.handle
print("via weak instance + function:", func(wi()))
m = h.handle
wm2 = weakref.ref(m)
print("a bound method kept in a variable stays alive:", wm2() is m)
del m
print("until that variable goes:", wm2() is None)
