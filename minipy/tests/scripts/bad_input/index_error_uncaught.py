# An uncaught IndexError: reading past the end of a list. The lines
# printed before the error still reach stdout.
items = ["a", "b", "c"]
for i in range(4):
    print(i, items[i])
print("never printed")
