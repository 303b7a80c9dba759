# While an exception is being handled, its traceback holds the frames it
# passed through, so the locals of the function that raised stay alive
# until the handler is finished (the `e` name is then deleted).
class Handle:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("closed", self.name)

def fail():
    h = Handle("file")
    raise OSError("disk full")

try:
    fail()
except OSError as e:
    print("in handler:", e)
    print("handler done")
print("after try statement")

def fail_quietly():
    h = Handle("socket")
    return "ok"

print(fail_quietly())
