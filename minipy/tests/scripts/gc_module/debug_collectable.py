# gc.DEBUG_COLLECTABLE makes every collection print one line per garbage
# object it found, on stderr ("gc: collectable <list 0x...>").
import gc

gc.collect()
a = [1]
a.append(a)
del a
gc.set_debug(gc.DEBUG_COLLECTABLE)
print("collected:", gc.collect())
gc.set_debug(0)
print("quiet again:", gc.collect())
