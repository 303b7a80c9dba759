# gc.is_finalized(obj) tells whether obj's __del__ has already run -- only
# ever True for an object that a finalizer resurrected.
import gc

keep = []

class Revenant:
    def __del__(self):
        keep.append(self)

class Plain:
    pass

r = Revenant()
print("before:", gc.is_finalized(r))
del r
print("after resurrection:", gc.is_finalized(keep[0]))
print("plain object:", gc.is_finalized(Plain()))
print("list:", gc.is_finalized([]))
print("int:", gc.is_finalized(1))
