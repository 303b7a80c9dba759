# A cache that does not keep its values alive: the dict maps keys to weak
# references, and a callback removes the entry when the value dies.
import weakref

class Image:
    def __init__(self, name):
        self.name = name

cache = {}

def cached(name):
    ref = cache.get(name)
    if ref is not None:
        img = ref()
        if img is not None:
            print("cache hit:", name)
            return img
    print("loading:", name)
    img = Image(name)
    def evict(dead_ref, name=name):
        print("evicting:", name)
        del cache[name]
    cache[name] = weakref.ref(img, evict)
    return img

a = cached("logo.png")
b = cached("logo.png")
print("same object:", a is b)
c = cached("bg.png")
print("keys:", sorted(cache))
del a
print("a deleted, b still holds the logo:", sorted(cache))
del b
print("keys:", sorted(cache))
del c
print("keys:", sorted(cache))
