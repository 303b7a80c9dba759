# bool is a kind of int; `and`/`or` return one of their operands, not
# necessarily a bool; None is a singleton you test with `is`.
print(True, False, True + True, True * 10, False - 1)
print(True == 1, False == 0, isinstance(True, int))
print(not 0, not 1, not "", not "a", not [], not [0], not None)
print(bool(0), bool(42), bool(""), bool("0"), bool([]), bool({}), bool(None))
print(0 or "default", "value" or "default", None or 0)
print(1 and 2, 0 and 2, "" and "never", [] or {})
print(None is None, None == None, None is not None)
x = None
if x is None:
    print("x is None")
print(repr(None), str(True), repr(False))
def nothing():
    pass
print(nothing())
