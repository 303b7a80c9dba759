# Finding out who keeps an object alive: gc.get_referrers(obj) lists the
# tracked objects that refer to obj, gc.get_referents(obj) lists what obj
# refers to.
import gc

class Leaky:
    pass

target = Leaky()
holder = [target]
owner = Leaky()
owner.attr = target

referrers = gc.get_referrers(target)
print("held by the list:", len([r for r in referrers if r is holder]) == 1)
print("held by the owner:", len([r for r in referrers if r is owner]) == 1)
stranger = Leaky()
print("not held by a stranger:", len([r for r in referrers if r is stranger]) == 0)

print("list referents:", sorted([repr(r) for r in gc.get_referents([1, "two", None])]))
print("owner refers to target:", len([r for r in gc.get_referents(owner) if r is target]) == 1)
print("holder refers to target:", gc.get_referents(holder)[0] is target)

del holder[:]
print("list no longer holds it:", len([r for r in gc.get_referrers(target) if type(r) is list]))
