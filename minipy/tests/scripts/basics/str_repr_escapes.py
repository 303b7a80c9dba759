# repr() of a string escapes the characters str.isprintable() rejects:
# controls, format characters such as the zero width space and the byte
# order mark, and separators other than the ASCII space.
tests = ["plain", "tab\tnew\nline", "\x00\x1f\x7f", "\x80\x9f", "\xa0", "\xad",
         "caf\xe9", "\u200b", "\u200e", "\u2028", "\u2029", "\u202f", "\u3000",
         "\ufeff", "\ue000", "\u2010", "\U0001f600", "\U000e0041", "\U000f0000",
         "\u0600", "\u1680", "snow \u2603", "it's", "\"'"]
for s in tests:
    print(repr(s), s.isprintable(), len(repr(s)))
print(ascii("\u200b\xe9"))
print([" ", "\u00a0b"])
print("{!r}".format("x\u2028y"), "%r" % "\ufeff")
print("".isprintable(), "\n".isprintable())
