# Nested try statements: an inner handler that does not match lets the
# exception reach the outer one; an exception raised inside a handler
# replaces the one being handled.
def level(n):
    try:
        try:
            if n == 1:
                raise ValueError("v")
            if n == 2:
                raise KeyError("k")
            if n == 3:
                raise TypeError("t")
            print(n, "no error")
        except ValueError:
            print(n, "inner caught ValueError")
        except KeyError:
            print(n, "inner caught KeyError, raising IndexError")
            raise IndexError("from handler")
        finally:
            print(n, "inner finally")
    except IndexError as e:
        print(n, "outer caught IndexError:", e)
    except TypeError as e:
        print(n, "outer caught TypeError:", e)
    finally:
        print(n, "outer finally")

for n in range(4):
    level(n)
