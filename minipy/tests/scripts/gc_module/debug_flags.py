# gc.set_debug(flags) / gc.get_debug(): the DEBUG_* constants are bit
# flags; DEBUG_LEAK combines COLLECTABLE, UNCOLLECTABLE and SAVEALL.
import gc

print("default:", gc.get_debug())
print("STATS", gc.DEBUG_STATS, "COLLECTABLE", gc.DEBUG_COLLECTABLE, "UNCOLLECTABLE", gc.DEBUG_UNCOLLECTABLE)
print("SAVEALL", gc.DEBUG_SAVEALL, "LEAK", gc.DEBUG_LEAK)
print(gc.DEBUG_LEAK == gc.DEBUG_COLLECTABLE | gc.DEBUG_UNCOLLECTABLE | gc.DEBUG_SAVEALL)
gc.set_debug(gc.DEBUG_SAVEALL)
print("set:", gc.get_debug())
gc.set_debug(gc.get_debug() | gc.DEBUG_UNCOLLECTABLE)
print("or-ed:", gc.get_debug())
gc.set_debug(0)
print("cleared:", gc.get_debug())
