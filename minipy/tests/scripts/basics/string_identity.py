# String identity: CPython shares (interns) identifier-like literals, the
# empty string and one-character strings, so `is` may be True for equal
# strings. Strings built at run time are new objects; sys.intern() maps
# equal strings to one shared object. Never rely on `is` for strings in
# real code: compare with ==.
import sys

name1 = "hello"
name2 = "hello"
print(name1 is name2)

built = "".join(["hel", "lo"])
print(built == name1, built is name1)
print(sys.intern(built) is name1)

empty = ""
word = "cab"
print(word[1:1] is empty, "".join([]) is empty, str() is empty)

other = "xay"
print(word[1] is other[1], word[1:2] is other[1], word[0] is word[0])

spaced1 = "".join(["hello", " ", "world"])
spaced2 = "".join(["hello ", "world"])
print(spaced1 == spaced2, spaced1 is spaced2)
i1 = sys.intern(spaced1)
i2 = sys.intern(spaced2)
print(i1 is i2, i1 is spaced1, i2 is spaced1)
