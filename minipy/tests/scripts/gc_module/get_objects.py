# gc.get_objects() lists every object the collector tracks (optionally
# only one generation's). A new list shows up in generation 0; after a
# full collection it has moved to generation 2. Untracked objects such as
# ints never appear.
import gc

def contains(objects, target):
    for o in objects:
        if o is target:
            return True
    return False

fresh = ["new", "list"]
print("in get_objects():", contains(gc.get_objects(), fresh))
print("in generation 0:", contains(gc.get_objects(0), fresh))
gc.collect()
print("after collect, in generation 0:", contains(gc.get_objects(0), fresh))
print("after collect, in generation 2:", contains(gc.get_objects(2), fresh))
big = 123456789
print("an int:", contains(gc.get_objects(), big))
print("returns a list:", type(gc.get_objects()).__name__)
