# A dict is not tracked by the collector while it holds only atomic keys
# and values (ints, floats, strs, None...); storing a container in it
# tracks it from then on. An untracked dict is not in gc.get_objects()
# and is not counted by gc.collect().
import gc

def listed(d):
    for o in gc.get_objects():
        if o is d:
            return True
    return False

def show(label, d):
    print(label, gc.is_tracked(d), listed(d))

class Thing:
    pass

def kwargs(**kw):
    return kw

show("empty", {})
show("atomic display", {"a": 1, "b": 2.5, 3: None, True: "x"})
show("list value", {"a": []})
show("dict value", {"a": {}})
show("instance value", {"a": Thing()})
show("tuple value", {"a": (1, 2)})
show("tuple key", {(1, 2): "a"})
show("comprehension", {i: str(i) for i in range(5)})
show("comprehension of lists", {i: [i] for i in range(5)})
show("dict()", dict(a=1, b=2))
show("dict() of list", dict(a=[]))
show("kwargs", kwargs(a=1))
show("kwargs of list", kwargs(a=[1]))
show("fromkeys", dict.fromkeys([1, 2, 3]))
show("fromkeys of list", dict.fromkeys([1, 2], []))
show("instance __dict__", Thing().__dict__)
show("globals", globals())

d = {"n": 1}
show("before", d)
d["m"] = 2
show("atomic stored", d)
d["l"] = [1, 2]
show("list stored", d)
del d["l"]
show("list removed", d)

e = {}
e.setdefault("k", 5)
show("setdefault int", e)
e.setdefault("j", [])
show("setdefault list", e)

f = {"x": 1}
f.update({"y": 2})
show("update atomic", f)
f.update(z=[3])
show("update list", f)
show("copy of tracked", f.copy())
show("copy of untracked", {"x": 1}.copy())
show("union atomic", {"a": 1} | {"b": 2})
show("union with list", {"a": 1} | {"b": []})

# A dict that holds itself is tracked, so the cycle is collected.
gc.collect()
s = {}
s["self"] = s
del s
print("self-referencing dict:", gc.collect())

# An instance in a cycle with an atomic dict attribute: the dict is not
# tracked, so only the instance counts.
a = Thing()
a.me = a
a.d = {"k": 1, "j": "v"}
del a
print("cycle with atomic dict:", gc.collect())

b = Thing()
b.me = b
b.d = {"k": [1]}
del b
print("cycle with tracked dict:", gc.collect())
