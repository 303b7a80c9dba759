# gc.freeze() moves every tracked object into a permanent generation that
# collections ignore (useful before fork()). A cycle frozen before it
# became garbage is not freed until gc.unfreeze().
import gc

gc.collect()
freed = []

class Node:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        freed.append(self.name)

a = Node("frozen pair")
a.partner = Node("its partner")
a.partner.partner = a
print("freeze count before:", gc.get_freeze_count())
gc.freeze()
print("objects frozen:", gc.get_freeze_count() > 0)
del a
print("collect while frozen:", gc.collect(), "- freed:", freed)
gc.unfreeze()
print("freeze count after unfreeze:", gc.get_freeze_count())
print("collect after unfreeze frees something:", gc.collect() > 0)
print("freed:", sorted(freed))
