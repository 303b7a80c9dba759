# The fix for parent back-pointers: children hold a weak reference to
# their parent. Then there is no cycle, and dropping the root frees the
# whole tree at once by reference counting -- no gc.collect() needed.
import gc
import weakref

gc.collect()

class TreeNode:
    def __init__(self, name, parent=None):
        self.name = name
        self.children = []
        if parent is None:
            self._parent = None
        else:
            self._parent = weakref.ref(parent)
            parent.children.append(self)
    def parent(self):
        if self._parent is None:
            return None
        return self._parent()
    def __del__(self):
        print("freed", self.name)

root = TreeNode("root")
TreeNode("a", root)
kept = TreeNode("b", root)
print("parent of b:", kept.parent().name)
del root
print("after del root; b's parent:", kept.parent())
del kept
print("collected:", gc.collect())
