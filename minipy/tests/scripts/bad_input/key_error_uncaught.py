# An uncaught KeyError shows the missing key's repr.
ages = {"ann": 31, "bob": 42}
for name in ["ann", "bob", "cyd"]:
    print(name, ages[name])
print("never printed")
