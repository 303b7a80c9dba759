# A bracket that is never closed: CPython points at the opening bracket.
print("never printed")
values = [1, 2, 3]
total = sum((values[0], values[1]
print(total)
