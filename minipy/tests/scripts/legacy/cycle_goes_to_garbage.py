# expect: hand-written (Python 2 finalization via --legacy-del; CPython 3 frees such cycles)
# args: --legacy-del
# With --legacy-del, minipy finalizes like Python 2: a cycle that contains
# an object with __del__ is never freed, because no finalizer order is
# safe. gc.collect() parks such objects in gc.garbage and __del__ does not
# run.
import gc

gc.collect()
log = []

class Node:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        log.append(self.name)

a = Node("a")
b = Node("b")
a.partner = b
b.partner = a
del a, b
print("collect found garbage:", gc.collect() > 0)
print("__del__ ran:", log)
print("uncollectable:", sorted([o.name for o in gc.garbage]))
first = gc.garbage[0]
print("still intact:", first.partner.partner is first)
del first
gc.collect()
print("after another collect, still there:", len(gc.garbage), "- __del__ ran:", log)
for o in gc.garbage:
    o.partner = None
del o
del gc.garbage[:]
print("after breaking the cycle by hand:", sorted(log))
