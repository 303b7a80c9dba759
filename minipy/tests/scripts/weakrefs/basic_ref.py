# weakref.ref(obj) refers to obj without keeping it alive. Calling the
# weak reference returns the object while it lives, None afterwards.
import weakref

class Data:
    def __init__(self, value):
        self.value = value

d = Data(42)
r = weakref.ref(d)
print("alive:", r() is d, r().value)
other = d
del d
print("another name keeps it:", r() is other)
del other
print("after the last reference:", r())
print("still None:", r() is None)
