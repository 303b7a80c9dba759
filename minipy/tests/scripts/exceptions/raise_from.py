# `raise New from old` records old as __cause__; raising inside a handler
# without `from` records the handled exception as __context__.
class ParseError(Exception):
    pass

def parse(text):
    try:
        return int(text)
    except ValueError as e:
        raise ParseError("cannot parse " + repr(text)) from e

try:
    parse("abc")
except ParseError as e:
    print("error:", e)
    print("cause:", type(e.__cause__).__name__, e.__cause__)
    print("context is cause:", e.__context__ is e.__cause__)

def implicit():
    try:
        1 // 0
    except ZeroDivisionError:
        raise KeyError("during handling")

try:
    implicit()
except KeyError as e:
    print("cause:", e.__cause__)
    print("context:", type(e.__context__).__name__, e.__context__)
