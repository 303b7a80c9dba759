# `is` compares identity, `==` compares value; `in` uses == for lists and
# tuples, and looks at keys for dicts and substrings for strings.
a = [1, 2]
b = [1, 2]
c = a
print(a == b, a is b, a is c, a is not b)
c.append(3)
print(a, b)
print(2 in a, 5 in a, 5 not in a)
print("b" in {"a": 1, "b": 2}, 2 in {"a": 1, "b": 2})
print("lo w" in "hello world", (1, 2) in [(1, 2), (3, 4)])
print([1, 2] in [[1, 2], [3]], None in [0, "", None])
x = None
print(x is None, type(x) is type(None))
print(True is True, [] is [], () == ())
