# The messages of exceptions raised by built-in operations.
def show(f):
    try:
        f()
    except Exception as e:
        print(type(e).__name__ + ":", e)

show(lambda: [1, 2][5])
show(lambda: (1,)[-3])
show(lambda: "ab"[9])
show(lambda: {"a": 1}["b"])
show(lambda: {}[(1, 2)])
show(lambda: [].pop())
show(lambda: [1].remove(2))
show(lambda: [1].index(2))
show(lambda: int("1.5"))
show(lambda: undefined_name)
show(lambda: "abc".missing)
show(lambda: (1).real_part)
show(lambda: len())
def unpack():
    x, y = [1, 2, 3]
show(unpack)
def unpack_few():
    x, y, z = (1, 2)
show(unpack_few)
def too_many(a):
    return a
show(lambda: too_many(1, 2))
show(lambda: too_many(b=1))
