# expect: hand-written (Python 2 finalization via --legacy-del; CPython 3 frees such cycles)
# args: --legacy-del
# The Python 2 workflow for uncollectable garbage: after gc.collect(),
# look at gc.garbage, break the cycles by hand, then empty gc.garbage. The
# objects then die by reference counting and their __del__ runs.
import gc

gc.collect()
closed = []

class Connection:
    def __init__(self, name):
        self.name = name
        self.pool = None
    def __del__(self):
        closed.append(self.name)

class Pool:
    def __init__(self):
        self.connections = []
    def add(self, name):
        c = Connection(name)
        c.pool = self
        self.connections.append(c)

pool = Pool()
pool.add("db1")
pool.add("db2")
del pool
gc.collect()
print("uncollectable:", sorted([type(o).__name__ + " " + o.name for o in gc.garbage]))
print("closed so far:", closed)
for conn in gc.garbage:
    conn.pool = None
print("cycles broken, closed so far:", closed)
del conn
del gc.garbage[:]
print("after emptying gc.garbage:", sorted(closed))
print("nothing left to collect:", gc.collect())
