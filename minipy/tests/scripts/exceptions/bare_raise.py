# A bare `raise` inside a handler re-raises the exception being handled,
# unchanged.
def risky():
    raise RuntimeError("original problem")

def wrapper():
    try:
        risky()
    except RuntimeError as e:
        print("wrapper saw:", e)
        raise

try:
    wrapper()
except RuntimeError as e:
    print("caller got:", type(e).__name__, e)

def cleanup_and_reraise():
    try:
        {}["k"]
    except KeyError:
        print("logging the KeyError")
        raise

try:
    cleanup_and_reraise()
except KeyError as e:
    print("still a KeyError:", repr(e))
