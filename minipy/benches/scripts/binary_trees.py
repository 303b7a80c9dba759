# The benchmarks game's binary-trees: allocate and walk complete binary
# trees of tuples; refcounting frees them (no cycles).


def make_tree(depth):
    if depth == 0:
        return (None, None)
    depth -= 1
    return (make_tree(depth), make_tree(depth))


def check(tree):
    left, right = tree
    if left is None:
        return 1
    return 1 + check(left) + check(right)


max_depth = 14
stretch = max_depth + 1
print("stretch tree of depth", stretch, "check:", check(make_tree(stretch)))
long_lived = make_tree(max_depth)
depth = 4
while depth <= max_depth:
    iterations = 2 ** (max_depth - depth + 4)
    total = 0
    for i in range(iterations):
        total += check(make_tree(depth))
    print(iterations, "trees of depth", depth, "check:", total)
    depth += 2
print("long lived tree of depth", max_depth, "check:", check(long_lived))
