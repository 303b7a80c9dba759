# A finalizer in a cycle that resurrects itself also keeps alive whatever
# it refers to, including its cycle partner: the partner's __del__ has
# already run too, and neither runs again when the pair finally dies.
import gc

gc.collect()
saved = []
ran = []

class Member:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        ran.append(self.name)
        if self.name == "keeper":
            saved.append(self)

k = Member("keeper")
o = Member("other")
k.partner = o
o.partner = k
del k, o
gc.collect()
print("finalizers that ran:", sorted(ran))
print("keeper survived:", saved[0].name, "with partner", saved[0].partner.name)
print("both finalized:", gc.is_finalized(saved[0]), gc.is_finalized(saved[0].partner))
ran.clear()
saved.clear()
print("collected on second pass:", gc.collect())
print("finalizers that ran again:", ran)
