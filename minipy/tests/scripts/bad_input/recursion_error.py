# Unbounded recursion hits the recursion limit: RecursionError. The
# traceback collapses the repeated frames into one "[Previous line
# repeated N more times]" line.
def forever(n):
    return forever(n + 1)

print("recursing")
forever(0)
