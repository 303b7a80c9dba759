# Python 2's __del__: a cycle that holds an object with __del__ is never
# freed. It is meant to run with minipy's --legacy-del switch:
#
#     cargo run -p minipy -- --legacy-del minipy/examples/legacy_del.py
#
# Python 2's collector refused to free such a cycle: it cannot know which
# __del__ to run first, and whichever runs first may use an object the
# other one has already torn down. It parked the objects in gc.garbage,
# unfreed and unfinalized, for the programmer to deal with. Python 3.4
# (PEP 442) removed the problem: python3, and minipy without
# --legacy-del, run every __del__ of the cycle with all its objects still
# intact, then free them, and gc.garbage stays empty. Run that way, this
# script says so after its first collection and stops there.
#
# With --legacy-del the script prints what Python 2.7 prints for it
# (with `from __future__ import print_function` added), except in section
# 5: Python 2 runs __del__ again each time a resurrected object dies;
# minipy's collector (refcycle) runs a finalizer at most once, in both
# modes.

import gc
import sys
import weakref

gc.disable()  # collections happen only where we call gc.collect()
gc.collect()


class Node(object):
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("    __del__:", self.name)


def section(title):
    print()
    print("==", title)


# ---------------------------------------------------------------------------
section("1. A cycle through __del__ lands in gc.garbage")
a = Node("a")
b = Node("b")
a.partner = b
b.partner = a
del a, b
print("  del a, b; gc.collect() found garbage:", gc.collect() > 0)
if not gc.garbage:
    print("  No __del__ was blocked: this interpreter finalizes as Python 3")
    print("  does (PEP 442). Run it as")
    print("    cargo run -p minipy -- --legacy-del minipy/examples/legacy_del.py")
    print("  to see Python 2's behaviour.")
    sys.exit(0)
print("  __del__ did not run. gc.garbage holds the objects, unfreed:")
print("  ", sorted(o.name for o in gc.garbage))
first = gc.garbage[0]
print("  and intact: first.partner.partner is first:",
      first.partner.partner is first)
del first
print("Only the objects with __del__ are listed; what they refer to is kept")
print("alive with them but not listed.")

# ---------------------------------------------------------------------------
section("2. Collecting again, or emptying gc.garbage, does not help")
gc.collect()
print("  gc.collect() again: gc.garbage still holds", len(gc.garbage),
      "objects, and no __del__ ran")
del gc.garbage[:]
print("  del gc.garbage[:]: the cycle is unreachable again, so the next")
gc.collect()
print("  gc.collect() puts it straight back:",
      sorted(o.name for o in gc.garbage))

# ---------------------------------------------------------------------------
section("3. The fix: break the cycle by hand, then empty gc.garbage")
print("  for o in gc.garbage: o.partner = None")
for o in gc.garbage:
    o.partner = None
del o
print("  del gc.garbage[:]   (the last references: __del__ runs now)")
del gc.garbage[:]
print("  gc.garbage:", gc.garbage)

# ---------------------------------------------------------------------------
section("4. Only a cycle THROUGH __del__ is a problem")
print("An object with __del__ outside any cycle dies by refcounting as")
print("usual:")
n = Node("n, after `del n`")
print("  del n")
del n
print("A cycle without __del__ is collected as usual, and an object with")
print("__del__ that merely hangs off it dies when the collector tears the")
print("cycle down:")


class Plain(object):
    pass


p = Plain()
q = Plain()
p.other = q
q.other = p
p.leaf = Node("the leaf hanging off a plain cycle")
del p, q
print("  gc.collect() ...")
print("  found garbage:", gc.collect() > 0, "- gc.garbage:", gc.garbage)

# ---------------------------------------------------------------------------
section("5. Resurrection")
print("A __del__ that stores `self` somewhere brings its object back to")
print("life. This one does so the first time it runs:")
saved = []


class Phoenix(object):
    deaths = 0

    def __del__(self):
        Phoenix.deaths += 1
        print("    __del__ call number", Phoenix.deaths)
        if Phoenix.deaths == 1:
            saved.append(self)


Phoenix()
print("  saved:", len(saved))
print("  del saved[:]")
del saved[:]
print("  __del__ ran", Phoenix.deaths, "time(s)")
print("Python 2 runs __del__ again at each death: it prints call number 2")
print("above and ran 2 times. refcycle runs a finalizer at most once, in")
print("both modes, so minipy ran it 1 time.")

# ---------------------------------------------------------------------------
section("6. The Python 2 advice: no cycles through objects with __del__")
print("Make the back-reference weak, and the objects die by refcounting:")


class Parent(Node):
    pass


class Child(Node):
    def __init__(self, name, parent):
        Node.__init__(self, name)
        self.parent = weakref.ref(parent)
        parent.children = [self]


mom = Parent("the parent")
Child("the child", mom)
print("  del mom")
del mom
print("  gc.collect() found garbage:", gc.collect() > 0, "- gc.garbage:",
      gc.garbage)

gc.enable()
print()
print("== The end")
