# An exception raised while handling another is chained to it: the
# uncaught traceback shows both, joined by "During handling of the above
# exception, another exception occurred". Exit status is 1.
def load(settings):
    try:
        return settings["path"]
    except KeyError:
        return undefined_fallback

print("loading")
load({})
print("not reached")
