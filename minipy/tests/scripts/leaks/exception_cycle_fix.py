# The fix for the traceback cycle: drop the reference to the exception
# before returning (`del error` or `error = None`), or only keep what you
# need from it (its message). Then the frame dies with the call.
import gc

gc.collect()

class Resource:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("released", self.name)

def with_del():
    res = Resource("first")
    try:
        raise ValueError("boom")
    except ValueError as e:
        error = e
    print("handling", repr(error))
    del error

def with_none():
    res = Resource("second")
    try:
        raise KeyError("k")
    except KeyError as e:
        error = e
    error = None

def keep_message():
    res = Resource("third")
    try:
        1 // 0
    except ZeroDivisionError as e:
        message = str(e)
    return message

with_del()
print("after with_del")
with_none()
print("after with_none")
print("message:", keep_message())
print("collect finds nothing:", gc.collect())
