# id() identifies an object while it is alive: the same object always has
# the same id, and two live objects never share one. (The numbers
# themselves are addresses, so we only compare them.)
a = [1]
b = [1]
c = a
print(id(a) == id(c), id(a) == id(b), id(a) != id(b))
print(type(id(a)) is int)
def same(x, y):
    return id(x) == id(y)
print(same(a, c), same(a, b), same(a, a[:]))
class Thing:
    pass
t = Thing()
ids = [id(t), id(t)]
print(ids[0] == ids[1])
print((a is c) == (id(a) == id(c)))
