# A __del__ run by the collector makes temporaries that refer to the
# garbage and drops them: a bound method of self, a tuple holding self,
# an exception caught inside __del__ (whose traceback holds the frame,
# whose locals hold self). They die at once, before the collector checks
# for resurrection, so the cycle is freed by the first gc.collect().
import gc
import weakref

log = []

class Node:
    def __init__(self, name):
        self.name = name
    def ping(self):
        return self.name
    def __del__(self):
        m = self.ping                    # a bound method of self
        t = (self, self.partner, m())    # a tuple holding self
        try:
            raise ValueError(self.name)  # traceback -> frame -> self
        except ValueError as e:
            msg = str(e)
        log.append(t[2] + " " + msg)

def make_cycle():
    a = Node("a")
    b = Node("b")
    a.partner = b
    b.partner = a
    return weakref.ref(a), weakref.ref(b)

gc.collect()
wa, wb = make_cycle()
print("first collect:", gc.collect())
print("dead:", wa() is None, wb() is None)
print("second collect:", gc.collect())
for line in sorted(log):
    print(line)

# Each kind of temporary on its own.
class BoundOnly:
    def ping(self):
        pass
    def __del__(self):
        m = self.partner.ping

class TupleOnly:
    def __del__(self):
        t = (self.partner,)

class RaiseOnly:
    def __del__(self):
        try:
            1 / 0
        except ZeroDivisionError:
            pass

for cls in [BoundOnly, TupleOnly, RaiseOnly]:
    x = cls()
    y = cls()
    x.partner = y
    y.partner = x
    w = weakref.ref(x)
    del x, y
    print(cls.__name__, gc.collect(), w() is None)
