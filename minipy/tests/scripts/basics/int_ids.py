# Two live ints that differ have different ids; equal small ints share
# one (CPython caches -5..256). Only compare the ids, never print them.
a = 1
b = 1 + 2**60
c = -2**60
d = 2**60 - 1
print(id(a) == id(b), id(c) == id(d), id(a) == id(1))
values = list(range(-1000, 1000)) + [2**k for k in range(55, 63)] + [-2**k for k in range(55, 63)]
values += [v + 1 for v in values[2000:]]
ids = [id(v) for v in values]
print(len(set(ids)) == len(ids))
print(all(i > 0 for i in ids), id(-9223372036854775807 - 1) > 0)
floats = [0.0, -0.0, 1.5, 1e300, float("inf")]
print(len(set(id(f) for f in floats)) == len(floats))
others = [None, True, False, 0, 1, 0.0, 1.0, "", [], ()]
print(len(set(id(o) for o in others)) == len(others))
