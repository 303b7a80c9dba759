# Which handler runs: the first except clause whose class matches,
# including base classes and tuples of classes.
def trigger(kind):
    if kind == "key":
        return {}["missing"]
    if kind == "index":
        return [][0]
    if kind == "zero":
        return 1 // 0
    if kind == "type":
        return len(1)
    if kind == "value":
        return int("nope")
    return "no error"

for kind in ["key", "index", "zero", "type", "value", "none"]:
    try:
        result = trigger(kind)
        print(kind, "->", result)
    except (KeyError, IndexError) as e:
        print(kind, "-> lookup problem:", type(e).__name__, repr(e))
    except ZeroDivisionError:
        print(kind, "-> division problem")
    except Exception as e:
        print(kind, "-> other problem:", type(e).__name__, e)

try:
    [1][5]
except LookupError as e:
    print("LookupError catches", type(e).__name__)
try:
    raise ValueError
except ValueError as e:
    print("raised the class:", repr(e), e.args)
