# RecursionError can be caught like any other exception, and the program
# then continues normally.
def depth(n):
    return depth(n + 1)

try:
    depth(0)
except RecursionError as e:
    print("caught:", type(e).__name__, e)
print("still running")
