# A classic hidden cycle: a function stores the exception it caught in a
# local variable. The exception holds its traceback, the traceback holds
# the function's frame, and the frame holds its locals -- including the
# exception. So every local of that frame (here a big resource) stays
# alive after the function returns, until gc.collect().
import gc

gc.collect()

class Resource:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("released", self.name)

def risky_work():
    res = Resource("buffer")
    try:
        raise ValueError("boom")
    except ValueError as e:
        error = e
    print("risky_work returns, error =", repr(error))

risky_work()
print("after the call: buffer still held")
print("collected something:", gc.collect() > 0)
print("end")
