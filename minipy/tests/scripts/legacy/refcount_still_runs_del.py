# expect: hand-written (Python 2 finalization via --legacy-del; CPython 3 cannot run in this mode)
# args: --legacy-del
# Legacy finalizers only get in the way of the cycle collector. An object
# with __del__ that is not in a cycle is freed by reference counting as
# usual, and its __del__ runs at once; cycles without any __del__ are
# collected as usual and nothing lands in gc.garbage.
import gc

gc.collect()

class Resource:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("__del__", self.name)

class Plain:
    pass

r = Resource("plain reference")
del r
print("after del")

def scope():
    local = Resource("local")
    print("leaving scope")

scope()
print("after scope")

p = Plain()
q = Plain()
p.other = q
q.other = p
del p, q
print("cycle without __del__ collected:", gc.collect() > 0)
print("gc.garbage:", gc.garbage)
