# Strings: concatenation, repetition, comparison, membership, and how
# repr() quotes them.
s = "hello"
print(s + " " + "world", s * 3, len(s))
print("abc" < "abd", "Z" < "a", "apple" == "apple", "a" != "b")
print("ell" in s, "xyz" in s, "" in s, "h" not in s)
print(repr("plain"), repr("it's"), repr('say "hi"'), repr("both ' and \""))
print(repr("tab\there"), repr("line\nbreak"), repr("back\\slash"))
print("tab\there")
print(str(42) + "!", str(1.5), str(None), str([1, "a"]))
print(repr(""), len(""))
t = "multi" \
    "ple"
print(t)
print("a" "b" "c")
