# A cache dict holds objects, and each object keeps a reference back to
# the cache (to evict itself later). Dropping the cache frees nothing:
# cache -> entry -> cache. gc.collect() frees the dict and its entries.
import gc

gc.collect()
evicted = []

class Entry:
    def __init__(self, key, cache):
        self.key = key
        self.cache = cache
        cache[key] = self
    def evict(self):
        del self.cache[self.key]
    def __del__(self):
        evicted.append(self.key)

cache = {}
for key in ["alpha", "beta", "gamma"]:
    Entry(key, cache)
print("cached:", list(cache))
cache["beta"].evict()
print("after evicting beta:", list(cache), "freed:", evicted)
del cache
print("after del cache, freed:", evicted)
print("collected:", gc.collect())
print("freed:", sorted(evicted))
