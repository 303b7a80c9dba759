# sys.modules is the live dict of imported modules: a module imported
# later appears in it, import looks there first, and a module removed
# from it is made anew by the next import.
import sys
import gc

print("sys" in sys.modules, "gc" in sys.modules, "__main__" in sys.modules)
print(sys.modules["gc"] is gc, sys.modules["sys"] is sys)
print(sys.modules["__main__"].__name__)
print(type(sys.modules).__name__)

import weakref
print("weakref" in sys.modules, sys.modules["weakref"] is weakref)

del sys.modules["gc"]
print("gc" in sys.modules)
import gc as gc_again
print("new module:", gc_again is not gc, sys.modules["gc"] is gc_again)

sys.modules["answer"] = 42
import answer
print("from sys.modules:", answer)

sys.modules["blocked"] = None
try:
    import blocked
except ImportError as e:
    print(type(e).__name__ + ":", e)
