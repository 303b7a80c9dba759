# f-strings evaluate expressions inside braces; !r uses repr(); doubled
# braces are literal braces.
name = "Ada"
n = 3
print(f"hello {name}")
print(f"{n} + {n} = {n + n}")
print(f"{name!r} has {len(name)} letters")
print(f"list {[1, 2]} dict {{'k': 1}} none {None}")
print(f"{'nested quotes'}")
print(f"{n * 1.5} {n > 2} {name.upper()}")
print(f"{{literal braces}}")
items = ["x", "y"]
print(f"{items[0]}-{items[-1]}", f"{', '.join(items)}")
class P:
    def __init__(self, x):
        self.x = x
    def __repr__(self):
        return "P(" + str(self.x) + ")"
    def __str__(self):
        return "point " + str(self.x)
p = P(2)
print(f"{p}", f"{p!r}", f"{p!s}")
