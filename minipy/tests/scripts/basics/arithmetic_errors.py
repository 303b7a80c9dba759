# Errors raised by arithmetic and conversions, caught and printed.
def attempt(label, f):
    try:
        print(label, f())
    except Exception as e:
        print(label, type(e).__name__ + ":", e)

attempt("1/0", lambda: 1 / 0)
attempt("1//0", lambda: 1 // 0)
attempt("1%0", lambda: 1 % 0)
attempt("1.0/0", lambda: 1.0 / 0)
attempt("int('x')", lambda: int("x"))
attempt("'a'+1", lambda: "a" + 1)
attempt("1+'a'", lambda: 1 + "a")
attempt("[]+()", lambda: [] + ())
attempt("'a'*'b'", lambda: "a" * "b")
attempt("-'a'", lambda: -"a")
attempt("1<'a'", lambda: 1 < "a")
attempt("len(5)", lambda: len(5))
nothing = None
attempt("nothing()", lambda: nothing())
attempt("7//2", lambda: 7 // 2)
