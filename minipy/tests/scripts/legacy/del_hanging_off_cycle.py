# expect: hand-written (Python 2 finalization via --legacy-del; CPython 3 cannot run in this mode)
# args: --legacy-del
# Only a cycle THROUGH an object with __del__ is uncollectable. An object
# with __del__ that merely hangs off a cycle (the cycle refers to it, it
# does not refer back) dies when the collector tears the cycle down, and
# its __del__ runs then, during gc.collect().
import gc

gc.collect()

class Plain:
    def __init__(self, name):
        self.name = name

class Leaf:
    def __del__(self):
        print("__del__ of the leaf, during the collection")

a = Plain("a")
b = Plain("b")
a.other = b
b.other = a
a.leaf = Leaf()
del a, b
print("collecting")
print("found garbage:", gc.collect() > 0)
print("gc.garbage:", gc.garbage)
