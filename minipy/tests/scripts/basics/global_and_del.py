# `global` lets a function rebind a module-level name; `del` removes a
# name, and using it afterwards is a NameError.
counter = 0

def bump():
    global counter
    counter += 1

bump()
bump()
print("counter", counter)

def read_only():
    return counter * 10

print(read_only())

def shadow():
    counter = 99
    return counter

print(shadow(), counter)

x = 1
del x
try:
    print(x)
except NameError as e:
    print("NameError:", e)

items = [1, 2, 3]
del items[1]
print(items)
d = {"a": 1, "b": 2}
del d["a"]
print(d)

def uses_before_assign():
    try:
        print(counter)
    except NameError as e:
        print(type(e).__name__, e)
    counter = 5

uses_before_assign()
