# Dicts keep insertion order; get/setdefault/pop/update and the views.
d = {"b": 2, "a": 1}
d["c"] = 3
print(d, len(d))
print(d["a"], d.get("z"), d.get("z", 0))
print(list(d.keys()), list(d.values()), list(d.items()))
print("a" in d, 2 in d)
print(d.setdefault("a", 100), d.setdefault("e", 5), d)
print(d.pop("b"), d.pop("nope", "missing"), d)
d.update({"a": 10, "f": 6})
print(d)
del d["e"]
print(d)
d["a"] = 11
print(d)
for k, v in d.items():
    print(k, "->", v)
counts = {}
for ch in "mississippi":
    counts[ch] = counts.get(ch, 0) + 1
print(counts)
print(dict(x=1, y=2), {1: "one", (1, 2): "pair"})
print({} == dict(), {"a": 1} == {"a": 1})
