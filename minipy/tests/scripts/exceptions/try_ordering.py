# The order in which try/except/else/finally clauses run: else only when
# no exception was raised, finally always, last.
def run(fail):
    print("-- fail =", fail)
    try:
        print("try body")
        if fail:
            raise ValueError("bad")
        print("try body finished")
    except ValueError as e:
        print("except", e)
    else:
        print("else")
    finally:
        print("finally")
    print("after the statement")

run(False)
run(True)

def propagate():
    try:
        raise KeyError("k")
    except ValueError:
        print("not this handler")
    finally:
        print("finally runs while KeyError propagates")

try:
    propagate()
except KeyError as e:
    print("caught outside:", repr(e))
