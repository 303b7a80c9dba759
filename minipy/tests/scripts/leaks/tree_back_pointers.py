# A tree whose children point back to their parent: every parent/child
# pair is a cycle, so dropping the root frees nothing until gc.collect().
import gc

gc.collect()
freed = []

class TreeNode:
    def __init__(self, name, parent=None):
        self.name = name
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)
    def path(self):
        if self.parent is None:
            return self.name
        return self.parent.path() + "/" + self.name
    def __del__(self):
        freed.append(self.name)

root = TreeNode("root")
usr = TreeNode("usr", root)
TreeNode("bin", usr)
TreeNode("etc", root)
print(usr.children[0].path())
del usr
del root
print("freed after del:", freed)
print("collected:", gc.collect())
print("freed after collect:", sorted(freed))
