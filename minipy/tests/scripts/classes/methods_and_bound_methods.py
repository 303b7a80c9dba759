# Methods: `a.m` creates a new bound method object each time, so
# `a.m is a.m` is False, but two bound methods of the same function and
# the same instance compare equal.
class Counter:
    def __init__(self):
        self.n = 0
    def incr(self, by=1):
        self.n += by
        return self.n

a = Counter()
b = Counter()
print(a.incr(), a.incr(5), b.incr())
m = a.incr
print(m(), a.n)
print(a.incr is a.incr, a.incr == a.incr, a.incr == b.incr)
print(m.__self__ is a, m.__func__ is Counter.incr)
print(Counter.incr(b, 10), b.n)
methods = [a.incr, b.incr]
for f in methods:
    f()
print(a.n, b.n)
