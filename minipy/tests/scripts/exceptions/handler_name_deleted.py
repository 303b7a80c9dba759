# The name bound by `except E as e` is deleted when the handler ends (to
# avoid a reference cycle through the traceback), so using it afterwards
# is a NameError. Save it under another name to keep it.
try:
    raise ValueError("first")
except ValueError as e:
    print("inside:", e)
try:
    print(e)
except NameError as err:
    print("after the handler:", err)

e = "a string that existed before"
try:
    raise KeyError("second")
except KeyError as e:
    saved = e
try:
    e
except NameError:
    print("even a pre-existing e is deleted")
print("saved:", repr(saved))
