# Weak references and resurrection. On the refcount path __del__ runs
# first, and if it resurrects the object the weak reference still works.
# In a collection, weak references to the garbage are cleared BEFORE any
# __del__ runs, so after a resurrection the old weakref is dead even
# though the object lives; a new weakref to it works.
import gc
import weakref

saved = []

class Undead:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        saved.append(self)

a = Undead("refcount")
wa = weakref.ref(a)
del a
print("refcount path: resurrected", saved[0].name, "- weakref alive:", wa() is saved[0])

b = Undead("cycle")
b.me = b
wb = weakref.ref(b)
del b
gc.collect()
print("cycle path: resurrected", saved[1].name, "- weakref alive:", wb() is not None)
wb2 = weakref.ref(saved[1])
print("a new weakref works:", wb2() is saved[1])
saved.clear()
gc.collect()
print("after letting go:", wa() is None, wb2() is None)
