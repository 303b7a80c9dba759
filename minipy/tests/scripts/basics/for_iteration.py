# What `for` can iterate: ranges, lists, tuples, strings, and dicts (keys,
# values, items), with tuple unpacking in the loop target.
print(list(range(5)), list(range(2, 6)), list(range(10, 0, -3)), list(range(0)))
for x in [1, 2]:
    print("list", x)
for x in ("a", "b"):
    print("tuple", x)
for ch in "hey":
    print("str", ch)
d = {"one": 1, "two": 2}
for k in d:
    print("key", k)
for v in d.values():
    print("value", v)
for k, v in d.items():
    print("item", k, v)
for i, (a, b) in enumerate([(1, 2), (3, 4)]):
    print(i, a, b)
for a, b in zip([1, 2, 3], "xyz"):
    print(a, b)
r = range(3)
print(len(r), r[1], 2 in r, 5 in r)
x = "unchanged"
for x in range(3):
    pass
print("loop variable after loop:", x)
