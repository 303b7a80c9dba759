# List, dict and set comprehensions, with conditions and nested loops.
print([x * x for x in range(6)])
print([x for x in range(10) if x % 3 == 0])
print([(x, y) for x in range(3) for y in range(x)])
print({x: len(x) for x in ["a", "bb", "ccc"]})
print(sorted({ch for ch in "mississippi"}))
matrix = [[1, 2, 3], [4, 5, 6]]
print([[row[i] for row in matrix] for i in range(3)])
print([c.upper() for c in "abc" if c != "b"])
x = "outer x"
print([x for x in "ab"], x)
words = {"apple": 3, "fig": 1, "kiwi": 2}
print({v: k for k, v in words.items()})
print(sum([n for n in range(101)]), len({n % 4 for n in range(100)}))
