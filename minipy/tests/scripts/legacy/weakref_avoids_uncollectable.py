# expect: hand-written (Python 2 finalization via --legacy-del; CPython 3 cannot run in this mode)
# args: --legacy-del
# The Python 2 era advice: if a class needs __del__, never let its objects
# sit in a cycle. A weak back-reference (child -> parent) removes the
# cycle, so reference counting frees the objects and __del__ runs.
import gc
import weakref

gc.collect()

class Parent:
    def __init__(self):
        self.children = []
    def __del__(self):
        print("__del__ parent")

class Child:
    def __init__(self, parent):
        self.parent = weakref.ref(parent)
        parent.children.append(self)
    def __del__(self):
        print("__del__ child")

p = Parent()
Child(p)
print("child's parent is p:", p.children[0].parent() is p)
del p
print("collect finds nothing:", gc.collect())
print("gc.garbage:", gc.garbage)
