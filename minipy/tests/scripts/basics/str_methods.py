# Common str methods. Strings are immutable: every method returns a new
# string and leaves the original alone.
s = "  Hello, World  "
print(repr(s.strip()), repr(s.lstrip()), repr(s.rstrip()))
t = s.strip()
print(t.upper(), t.lower())
print(t.replace("l", "L"), t.replace("l", "L", 1))
print(t.split(", "), "a b  c".split(), "a,b,,c".split(","))
print("-".join(["x", "y", "z"]), "".join(["a", "b"]))
print(t.startswith("Hell"), t.endswith("!"), t.find("o"), t.find("q"))
print(t.count("l"), t.index("W"))
print("123".isdigit(), "12a".isdigit(), "abc".isalpha(), "   ".isspace())
print("a-b-c".split("-", 1), "  x ".strip() == "x")
print(t)
