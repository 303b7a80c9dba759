# assert raises AssertionError when its condition is false, with the
# optional message as the exception's argument.
def check(x):
    assert x > 0, "x must be positive, got " + str(x)
    return x * 2

print(check(3))
try:
    check(-1)
except AssertionError as e:
    print("AssertionError:", e)
try:
    assert 1 == 2
except AssertionError as e:
    print("no message:", repr(e), e.args)
assert True, "never raised"
print("done")
