# A cycle that holds an object outside the cycle (a leaf): the leaf is
# only reachable from the garbage, so the same collection finalizes it,
# and the cycle's finalizers can still use it.
import gc

gc.collect()
log = []

class Part:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        if hasattr(self, "leaf"):
            log.append(self.name + " uses leaf " + self.leaf.name)
        else:
            log.append(self.name + " finalized")

a = Part("a")
b = Part("b")
a.other = b
b.other = a
a.leaf = Part("leaf")
del a, b
print("collected:", gc.collect())
for line in sorted(log):
    print(line)
