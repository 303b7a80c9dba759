# sys.intern(s) returns the one shared copy of a string with that value,
# so interned strings can be compared with `is`. Strings built at run time
# are distinct objects until interned.
import sys

a = "".join(["data", "-", "key"])
b = "".join(["data-", "key"])
print(a == b, a is b)
ia = sys.intern(a)
ib = sys.intern(b)
print(ia is ib, ia == a, ia is a)
print(sys.intern(ia) is ia)
name = "identifier"
built = "".join(["identi", "fier"])
print(built is name, sys.intern(built) is name)
try:
    sys.intern(5)
except TypeError as e:
    print("TypeError:", e)
