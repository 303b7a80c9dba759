# expect: hand-written (Python 2 finalization via --legacy-del; CPython 3 frees such cycles)
# args: --legacy-del
# Emptying gc.garbage without breaking the cycle does not help: the
# objects become unreachable again, and the next collection puts them
# straight back into gc.garbage. Their __del__ still never runs.
import gc

gc.collect()
log = []

class Node:
    def __init__(self, name):
        self.name = name
        self.me = self
    def __del__(self):
        log.append(self.name)

Node("stubborn")
gc.collect()
print("garbage:", [o.name for o in gc.garbage])
del gc.garbage[:]
print("emptied:", len(gc.garbage))
gc.collect()
print("back again:", [o.name for o in gc.garbage], "- __del__ ran:", log)
gc.garbage[0].me = None
del gc.garbage[:]
print("after breaking the self-reference:", log)
