# The finalizer and leak pitfalls of CPython's memory management, one at a
# time, as a Python script.
#
#     cargo run -p minipy -- minipy/examples/pitfalls.py    # on minipy
#     python3 minipy/examples/pitfalls.py                   # on CPython 3.11
#
# Both print the same lines. minipy is a Python-subset interpreter whose
# objects live on refcycle, a Rust heap with CPython's reference counting
# and generational cycle collector; this script is also a check that the
# two agree. Section 6 writes an "Exception ignored in" report to stderr;
# nothing else goes to stderr. That report names the script: CPython 3.11
# prints its absolute path, minipy the path it was given. To compare the
# two outputs line for line, give both the absolute path:
#
#     diff <(python3 $PWD/minipy/examples/pitfalls.py 2>&1 | sed 's/0x[0-9a-f]*/0x?/g') \
#          <(target/release/minipy $PWD/minipy/examples/pitfalls.py 2>&1 | sed 's/0x[0-9a-f]*/0x?/g')
#
# Each section sets up one situation, says what to expect, and prints what
# happens. A class whose __del__ prints a line shows the moment an object
# is finalized.

import gc
import sys
import weakref

# The collector also runs by itself, every 700 or so container
# allocations. Here it runs only where we call gc.collect(), so that each
# line below comes out at the same place every time.
gc.disable()
gc.collect()


class Noisy:
    """An object that says when it is finalized."""

    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("    __del__:", self.name)


def section(title):
    print()
    print("==", title)


# ---------------------------------------------------------------------------
section("1. Reference counting frees an object at once")
print("Every object counts the references to it. When the count drops to")
print("zero the object is freed on the spot: its __del__ runs inside the")
print("statement that dropped the last reference, before the next line.")

x = Noisy("x, after `del x`")
print("  del x")
del x
print("  (next line)")


def work():
    local = Noisy("a local, when work() returns")
    print("  work() runs")


work()
print("  (after the call)")

holder = [Noisy("a list item, when the list is rebound")]
print("  holder = None")
holder = None

# ---------------------------------------------------------------------------
section("2. A reference cycle waits for the cycle collector")
print("Two objects that refer to each other keep each other's count above")
print("zero. `del` removes our names, but the objects stay alive: nothing")
print("happens until the cycle collector finds them.")

a = Noisy("a, of the a <-> b cycle")
b = Noisy("b, of the a <-> b cycle")
a.partner = b
b.partner = a
probe = weakref.ref(a)
print("  del a, b")
del a, b
print("  still alive after del:", probe() is not None)
print("  gc.collect() ...")
print("  gc.collect() returned", gc.collect(), "(objects found unreachable)")
print("  alive after collect:", probe() is not None)
print("The fix: break the cycle yourself (a.partner = None) before letting")
print("go, or make one direction a weakref.ref (section 5).")

# ---------------------------------------------------------------------------
section("3. __del__ can resurrect its object")
print("__del__ gets `self` and may store it somewhere that lives on. The")
print("object then survives its own death. Since PEP 442 (Python 3.4),")
print("__del__ runs at most once per object: when the resurrected object")
print("dies again, it is freed silently.")

graveyard = []


class Phoenix:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("    __del__:", self.name, "- rising again")
        graveyard.append(self)


p = Phoenix("the refcounted phoenix")
print("  del p")
del p
print("  in the graveyard:", [o.name for o in graveyard])
print("  gc.is_finalized(it):", gc.is_finalized(graveyard[0]))
print("  graveyard.clear()  (no second __del__)")
graveyard.clear()

q = Phoenix("the cyclic phoenix")
q.me = q
del q
print("  a phoenix in a cycle: gc.collect() returned", gc.collect())
print("  (nothing was freed: the object it resurrected keeps it alive)")
print("  in the graveyard:", [o.name for o in graveyard])
graveyard.clear()
print("  garbage again, and __del__ does not run twice: gc.collect() returned",
      gc.collect())

# ---------------------------------------------------------------------------
section("4. In a collection, __del__ sees its cycle partners intact")
print("The collector runs every __del__ of the garbage before it tears")
print("anything down, so a finalizer may still use the objects it refers")
print("to. (In which order the finalizers of one cycle run is not")
print("specified: we sort what they log.)")

log = []


class Peer:
    def __init__(self, name):
        self.name = name
        self.data = [name.upper()]

    def __del__(self):
        log.append(self.name + " sees " + self.partner.name
                   + " with data " + str(self.partner.data))


alice = Peer("alice")
bob = Peer("bob")
alice.partner = bob
bob.partner = alice
del alice, bob
print("  gc.collect() returned", gc.collect(), "(two Peers and their two data lists)")
for line in sorted(log):
    print("   ", line)

# ---------------------------------------------------------------------------
section("5. Weak references die before __del__ runs")
print("A weakref.ref does not keep its object alive; its optional callback")
print("runs when the object dies. On the refcount path __del__ runs first,")
print("and the weak reference dies after it. In a collection it is the")
print("other way round: the collector clears every weak reference to the")
print("garbage, and runs their callbacks, before any __del__ runs.")

refs = {}


class Watched:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("    __del__:", self.name, "- my weakref is dead:",
              refs[self.name]() is None)


def callback(ref):
    print("    weakref callback: the referent is gone:", ref() is None)


w = Watched("refcounted")
refs["refcounted"] = weakref.ref(w, callback)
print("  del w")
del w

c = Watched("cyclic")
c.me = c
refs["cyclic"] = weakref.ref(c, callback)
del c
print("  gc.collect() ...")
gc.collect()

print("A weak back-reference removes a cycle altogether: a child that")
print("points to its parent through weakref.ref dies by refcounting.")


class Parent(Noisy):
    pass


class Child(Noisy):
    def __init__(self, name, parent):
        Noisy.__init__(self, name)
        self.parent = weakref.ref(parent)
        parent.children = [self]


mom = Parent("the parent")
Child("the child", mom)
print("  the child's parent:", mom.children[0].parent().name)
print("  del mom")
del mom
print("  gc.collect() returned", gc.collect())

# ---------------------------------------------------------------------------
section("6. An exception in __del__ is printed, not raised")
print("No caller can catch an exception that escapes __del__: the")
print("interpreter prints 'Exception ignored in: ...' and a traceback on")
print("stderr, and the program goes on.")


# Both interpreters print the source line of each traceback entry. The
# raise fills its line on purpose: CPython 3.11 also underlines the failing
# part of a line with carets (^^^^) when it is not the whole line, and
# minipy prints no carets.
class Fragile:
    def __del__(self):
        raise ValueError("cleanup failed")


f = Fragile()
# CPython buffers stdout when it goes to a pipe, and stderr not: flush, so
# that the report comes out after the lines above, on both.
sys.stdout.flush()
del f
print("  the program went on after the failing __del__")

# ---------------------------------------------------------------------------
section("7. A caught exception keeps its frame alive")
print("An exception holds its traceback, the traceback holds the frames it")
print("went through, and a frame holds its local variables. A function")
print("that keeps the exception it caught in a local makes a cycle:")
print("exception -> traceback -> frame -> local -> exception. Everything")
print("else the frame held stays alive with it, until gc.collect().")


def keeps_the_error():
    buffer = Noisy("the buffer of keeps_the_error()")
    try:
        raise KeyError("missing")
    except KeyError as e:
        error = e
    print("  keeps_the_error() returns; it caught", repr(error))


keeps_the_error()
print("  (after the call: the buffer is still alive)")
print("  gc.collect() ...")
gc.collect()


def drops_the_error():
    buffer = Noisy("the buffer of drops_the_error()")
    try:
        raise KeyError("missing")
    except KeyError as e:
        error = e
    print("  drops_the_error() returns; it caught", repr(error))
    error = None  # the fix: drop the reference (or use `del error`)


drops_the_error()
print("  (after the call)")
print("`except ... as e:` itself deletes `e` at the end of the handler for")
print("this reason; a copy in another variable needs the same care.")

# ---------------------------------------------------------------------------
section("8. gc.DEBUG_SAVEALL keeps the garbage for inspection")
print("With gc.set_debug(gc.DEBUG_SAVEALL), a collection frees nothing:")
print("every unreachable object goes into the list gc.garbage, where you")
print("can see what was leaking.")


class Node:
    pass


gc.set_debug(gc.DEBUG_SAVEALL)
n1 = Node()
n2 = Node()
n1.other = n2
n2.other = n1
loop = [1, 2]
loop.append(loop)
del n1, n2, loop
print("  gc.collect() returned", gc.collect())
print("  gc.garbage holds:", sorted([type(o).__name__ for o in gc.garbage]))
print("  the saved list:", [o for o in gc.garbage if type(o) is list][0])
gc.set_debug(0)
gc.garbage.clear()
print("  gc.set_debug(0); gc.garbage.clear()")
print("  the saved objects are garbage again: gc.collect() returned",
      gc.collect())

# ---------------------------------------------------------------------------
section("9. gc.callbacks watch every collection")
print("gc.callbacks is a list of functions called with ('start', info)")
print("before and ('stop', info) after each collection; info gives the")
print("generation and, at 'stop', how many objects were collected and how")
print("many were uncollectable.")


def report(phase, info):
    print("    callback:", phase, "generation", info["generation"],
          "collected", info["collected"],
          "uncollectable", info["uncollectable"])


gc.callbacks.append(report)
l1 = []
l2 = [l1]
l1.append(l2)
del l1, l2
print("  gc.collect() ...")
print("  gc.collect() returned", gc.collect())
gc.callbacks.remove(report)
print("Remove your callback when done: the list keeps the function alive,")
print("and with it the module globals it refers to.")

# ---------------------------------------------------------------------------
section("10. gc.freeze() hides objects from the collector")
print("gc.freeze() moves every object the collector tracks into a permanent")
print("generation that collections skip (done before fork() to keep pages")
print("shared). A cycle frozen before it became garbage is not freed until")
print("gc.unfreeze() puts the objects back.")

ice = Noisy("ice, of a frozen cycle")
ice.me = ice
gc.freeze()
print("  frozen objects: gc.get_freeze_count() > 0 is", gc.get_freeze_count() > 0)
del ice
print("  del ice; gc.collect() returned", gc.collect())
gc.unfreeze()
print("  gc.unfreeze(); gc.get_freeze_count() is", gc.get_freeze_count())
print("  gc.collect() ...")
gc.collect()

gc.enable()
print()
print("== The end")
