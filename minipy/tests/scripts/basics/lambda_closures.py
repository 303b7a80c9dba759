# Lambdas and closures: inner functions capture variables (not values),
# and `nonlocal` lets them rebind the captured variable.
square = lambda x: x * x
print(square(7), (lambda a, b=1: a + b)(1), sorted([3, -4, 1], key=lambda v: abs(v)))

def make_counter():
    count = 0
    def increment():
        nonlocal count
        count += 1
        return count
    return increment

c1 = make_counter()
c2 = make_counter()
print(c1(), c1(), c1(), c2())

def make_adders():
    adders = []
    for i in range(3):
        adders.append(lambda x: x + i)
    return adders

print([f(10) for f in make_adders()])

def make_adders_fixed():
    adders = []
    for i in range(3):
        adders.append(lambda x, i=i: x + i)
    return adders

print([f(10) for f in make_adders_fixed()])

def outer():
    msg = "outer"
    def inner():
        return msg + " seen from inner"
    msg = "changed"
    return inner()

print(outer())
