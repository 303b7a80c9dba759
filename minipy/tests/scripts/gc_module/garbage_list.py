# gc.garbage is an ordinary list owned by the gc module: it starts empty,
# you can read it, and you clear it with gc.garbage.clear() or
# `del gc.garbage[:]` (keeping the same list object).
import gc

print(type(gc.garbage).__name__, len(gc.garbage))
same = gc.garbage
gc.collect()
gc.set_debug(gc.DEBUG_SAVEALL)
for i in range(3):
    l = [i]
    l.append(l)
del l
gc.collect()
gc.set_debug(0)
print("saved:", len(gc.garbage), sorted([g[0] for g in gc.garbage]))
del gc.garbage[:]
print("after del [:]:", len(gc.garbage), gc.garbage is same)
gc.garbage.append("anything")
print(gc.garbage)
gc.garbage.clear()
print(gc.garbage, gc.garbage is same)
