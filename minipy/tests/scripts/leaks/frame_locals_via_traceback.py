# Keeping an exception alive (for example in a global list of errors)
# keeps its traceback alive, and with it every frame it passed through
# and all their local variables -- even without any cycle. Clearing the
# saved exceptions frees them by reference counting.
class Big:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("freed", self.name)

errors = []

def inner():
    data = Big("inner data")
    raise RuntimeError("failure")

def outer():
    data = Big("outer data")
    inner()

try:
    outer()
except RuntimeError as e:
    errors.append(e)
print("handled; locals of outer and inner are still alive")
errors.clear()
print("after clearing the error list")
