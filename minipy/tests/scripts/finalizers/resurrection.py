# Resurrection: __del__ can store `self` somewhere reachable, and the
# object survives (and gc.collect() does not count it as freed). PEP 442:
# __del__ runs at most once per object, so when the resurrected object
# dies again, nothing is printed.
import gc

graveyard = []

class Phoenix:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("__del__", self.name, "- rising again")
        graveyard.append(self)

p = Phoenix("refcount phoenix")
del p
print("survivors:", [x.name for x in graveyard])
print("finalized:", gc.is_finalized(graveyard[0]))
graveyard.clear()
print("cleared the graveyard: no second __del__")

gc.collect()
q = Phoenix("cycle phoenix")
q.me = q
del q
print("objects freed by the collect:", gc.collect())
print("survivors:", [x.name for x in graveyard], graveyard[0].me is graveyard[0])
graveyard.clear()
print("second collect:", gc.collect())
print("end")
