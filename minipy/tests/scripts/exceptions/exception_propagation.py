# An exception travels up through the calls until a handler catches it;
# code after the raise point in each function does not run, but finally
# blocks do.
def low():
    print("low: start")
    raise LookupError("deep problem")
    print("low: unreachable")

def middle():
    try:
        low()
        print("middle: unreachable")
    finally:
        print("middle: finally")

def top():
    try:
        middle()
    except LookupError as e:
        print("top: caught", repr(e))
        return "recovered"

print(top())
