# A finalizer may do real work: build new objects, call functions, even
# create new instances of its own class. New objects it creates that
# nobody keeps are freed as usual.
import gc

results = []

class Builder:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        parts = [self.name, "built", "in", "__del__"]
        summary = {"text": " ".join(parts), "len": len(parts)}
        results.append(summary)
        if self.name == "parent":
            child = Builder("child")

b = Builder("parent")
del b
for r in results:
    print(r["text"], r["len"])

results.clear()
c = Builder("cyclic")
c.me = c
del c
gc.collect()
print(sorted([r["text"] for r in results]))
