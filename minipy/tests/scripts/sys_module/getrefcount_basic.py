# sys.getrefcount(obj) returns obj's reference count -- one more than you
# might expect, because the argument passed to getrefcount is itself a
# temporary reference.
import sys

class A:
    pass

a = A()
print("one name:", sys.getrefcount(a))
b = a
print("two names:", sys.getrefcount(a))
del b
print("back to one name:", sys.getrefcount(a))
print("fresh temporary:", sys.getrefcount(A()))
