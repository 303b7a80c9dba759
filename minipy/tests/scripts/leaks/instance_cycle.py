# Two objects that refer to each other (a.partner = b; b.partner = a) keep
# each other's reference count above zero: deleting the names frees
# nothing. Only the cycle collector, gc.collect(), finds and frees them.
import gc

gc.collect()
freed = []

class Node:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        freed.append(self.name)

a = Node("a")
b = Node("b")
a.partner = b
b.partner = a
del a, b
print("after del:", freed)
print("collected:", gc.collect())
print("after collect:", sorted(freed))
print("second collect:", gc.collect())
