"""A tour of the grammar minipy parses (the parser's test corpus)."""
import gc, sys as system
from weakref import ref as weak, WeakValueDictionary

CONSTANT = 0x7f + 0o17 - 0b1010 * 1_000 // 3 % 7 ** 2 ** -1
FLOATS = (1.5, 1., .5, 1e10, 2.5E-3)
TEXT = 'single' "double" '''triple
quoted''' r'\raw' u'unicode' "\x41\u00e9\n\t\\"
EMPTY = ((), [], {}, set())


@staticmethod
def decorated(a, b=2, *args, c, d=4, **kwargs) -> None:
    """Docstring."""
    global CONSTANT
    x = y = a if b else c
    x += 1; y -= 1; x *= 2; y /= 2; x //= 3; y %= 4
    x **= 2; x <<= 1; x >>= 1; x &= 7; x |= 8; x ^= 1
    first, *rest = args
    (p, q), [r, s] = (1, 2), [3, 4]
    del x, y
    assert p < q <= r != s, "ordered"
    return not p or q and r is not s and r not in rest


class Node(object):
    count = 0

    def __init__(self, value, children=()):
        self.value = value
        self.children = [Node(c) if not isinstance(c, Node) else c for c in children]
        Node.count += 1

    def walk(self):
        def inner(node, depth):
            nonlocal total
            total += depth
            for child in node.children:
                inner(child, depth + 1)
            else:
                pass
        total = 0
        inner(self, 0)
        return total

    def __repr__(self):
        return f"Node({self.value!r}, {len(self.children)} children, {self.value:>4})"


def control(n):
    i = 0
    while i < n:
        i += 1
        if i % 2 == 0:
            continue
        elif i > 10:
            break
    else:
        i = -1
    try:
        1 / 0
    except (ZeroDivisionError, ValueError) as e:
        err = e
    except Exception:
        raise
    else:
        err = None
    finally:
        i = ~i
    try:
        raise KeyError("k") from err
    except KeyError:
        pass
    return {k: v for k, v in zip("ab", range(2)) if v}, {s for s in "xy"}, sum(x for x in range(3))


squares = list(map(lambda v: v * v, range(5)))
matrix = [[row * 3 + col for col in range(3)] for row in range(3)]
flat = [cell for row in matrix for cell in row if cell % 2]
print(squares[1:3], matrix[::-1][0], flat[-1], *flat[:2], sep=", ", end="\n")
print(control(12), decorated(1, 2, 3, c=5), Node(1, [2, 3]).walk())
value = (
    1 +
    2
)
long_line = 1 + \
    2
