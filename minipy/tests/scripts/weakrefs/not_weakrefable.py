# Built-in values such as list, dict, tuple, int, str and None cannot be
# weakly referenced; instances of your own classes and functions can.
import weakref

class Box:
    pass

def f():
    pass

for value in [[], {}, (1,), 5, "text", None]:
    try:
        weakref.ref(value)
        print(type(value).__name__, "ok")
    except TypeError as e:
        print("TypeError:", e)

b = Box()
print("instance:", weakref.ref(b)() is b)
print("function:", weakref.ref(f)() is f)
print("class:", weakref.ref(Box)() is Box)
