# gc.is_tracked(obj): only objects that can hold references to other
# objects are tracked by the cycle collector; ints, floats, strings and
# None cannot be part of a cycle, so they are not tracked.
import gc

class Thing:
    pass

def function():
    pass

print("int", gc.is_tracked(42))
print("float", gc.is_tracked(1.5))
print("str", gc.is_tracked("text"))
print("None", gc.is_tracked(None))
print("bool", gc.is_tracked(True))
print("empty list", gc.is_tracked([]))
print("list of ints", gc.is_tracked([1, 2]))
print("instance", gc.is_tracked(Thing()))
print("function", gc.is_tracked(function))
print("class", gc.is_tracked(Thing))
