# getattr/setattr/hasattr work with attribute names as strings.
class Config:
    debug = False

c = Config()
print(hasattr(c, "debug"), hasattr(c, "verbose"))
setattr(c, "verbose", True)
print(hasattr(c, "verbose"), c.verbose, getattr(c, "verbose"))
print(getattr(c, "missing", "default"))
try:
    getattr(c, "missing")
except AttributeError as e:
    print("AttributeError:", e)
for name in ["debug", "verbose", "level"]:
    print(name, getattr(c, name, None))
setattr(c, "debug", True)
print(c.debug, Config.debug)
del c.verbose
print(hasattr(c, "verbose"))
