# Tuples: the comma makes the tuple, a one-element tuple needs a trailing
# comma, and unpacking assigns several names at once.
t = (1, "two", 3.0)
print(t, len(t), t[1], t[-1])
print((), (1,), (1), ((1, 2), (3,)))
a, b, c = t
print(a, b, c)
x, y = 1, 2
x, y = y, x
print(x, y)
first, *rest = [1, 2, 3, 4]
print(first, rest)
*init, last = "abc"
print(init, last)
print((1, 2) + (3,), (0,) * 3, (1, 2) < (1, 3), (1, 2) == (1, 2))
print(t.index("two"), (1, 1, 2).count(1))
print(tuple([1, 2]), tuple("ab"), list((1, 2)))
nested = (1, [2, 3])
nested[1].append(4)
print(nested)
