# expect: hand-written (valid Python that minipy rejects: with statements are outside its subset)
# The `with` statement (context managers) is outside minipy's subset.
print("never printed by minipy")

class Managed:
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False

with Managed() as m:
    print("inside")
