# When gc.collect() frees a cycle, every __del__ in it runs before
# anything is torn down (PEP 442): a finalizer can still read its
# partners' attributes.
import gc

gc.collect()
log = []

class Peer:
    def __init__(self, name):
        self.name = name
        self.data = [name.upper()]
    def __del__(self):
        log.append(self.name + " sees partner " + self.partner.name + " with data " + str(self.partner.data))

a = Peer("alice")
b = Peer("bob")
a.partner = b
b.partner = a
del a, b
print("collected:", gc.collect())
for line in sorted(log):
    print(line)
