# An uncaught NameError: output printed before the error still appears on
# stdout; the traceback goes to stderr and the exit status is 1.
print("start")
counter = 1
print("counter is", counter)
print(undefined_variable_xyz)
print("never printed")
