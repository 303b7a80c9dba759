# __del__ runs the moment the last reference goes away -- before the next
# line of the program runs. Many things drop a reference: del, rebinding
# a name, removing an item from a container, a function returning.
class Tracer:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("  __del__", self.name)

print("del a name:")
t = Tracer("deleted")
del t
print("rebind a name:")
t = Tracer("first value")
t = Tracer("second value")
print("pop from a list, result unused:")
items = [Tracer("popped"), Tracer("kept")]
items.pop(0)
print("overwrite a dict value:")
d = {"k": Tracer("old value")}
d["k"] = None
print("local variable at function return:")
def work():
    local = Tracer("local")
    print("  work is returning")
work()
print("temporary never bound to a name:")
Tracer("temporary")
print("two names, one object:")
a = Tracer("shared")
b = a
del a
print("  a deleted, b still holds it")
del b
print("clean up the rest:")
del t
del items
print("end of script")
