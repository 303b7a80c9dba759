# repr of nested and self-containing containers: a container that
# contains itself prints as [...] or {...} instead of recursing forever.
nested = [1, [2, [3, []]], {"k": (4, 5)}]
print(nested)
l = [1, 2]
l.append(l)
print(l)
print(len(l), l[2] is l, l[2][2][0])
d = {"name": "d"}
d["self"] = d
print(d)
outer = [l, d]
print(outer)
a = [0]
b = [a]
a.append(b)
print(a, b)
t = (l,)
print(t)
print(str(l) == repr(l))
