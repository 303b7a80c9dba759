# expect: hand-written (valid Python that minipy rejects: assignment expressions are outside its subset)
# The assignment expression `:=` (the "walrus" operator) is outside
# minipy's subset.
print("never printed by minipy")

data = [1, 2, 3, 4]
if (n := len(data)) > 3:
    print("long list of", n)
