# A nested function that refers to itself by name (e.g. for recursion)
# holds itself through its closure cell: function -> closure tuple ->
# cell -> function. It outlives the call that made it until gc.collect()
# breaks the cycle of three objects.
import gc
import weakref

gc.collect()

def make_countdown():
    def countdown(n):
        if n == 0:
            return "liftoff"
        return countdown(n - 1)
    return countdown

f = make_countdown()
print(f(3))
probe = weakref.ref(f)
del f
print("alive after del:", probe() is not None)
print("collected:", gc.collect())
print("alive after collect:", probe() is not None)
