# A function's parameters and locals hold references only while it runs:
# once it returns, the count is back where it was -- unless the function
# stored the object somewhere that outlives the call.
import sys

class A:
    pass

a = A()
base = sys.getrefcount(a)

def use(x):
    y = x
    z = [x, y]
    return len(z)

print("call returned:", use(a))
print("after the call:", sys.getrefcount(a) - base)

def keep(x, store):
    store.append(x)

store = []
keep(a, store)
print("stored by the function:", sys.getrefcount(a) - base)
store.pop()
print("popped:", sys.getrefcount(a) - base)
