# gc.get_count() gives the allocation counters of the three generations.
# A collection of generation g resets the counters of generations 0..g
# and adds one to generation g+1's counter.
import gc

class Item:
    pass

gc.collect()
print("after collect():", gc.get_count())
items = [Item() for i in range(100)]
print("generation 0 grew by at least 100:", gc.get_count()[0] >= 100)
gc.collect(0)
print("after collect(0):", gc.get_count())
gc.collect(0)
print("after another collect(0):", gc.get_count())
gc.collect(1)
print("after collect(1):", gc.get_count())
gc.collect(2)
print("after collect(2):", gc.get_count())
print(type(gc.get_count()).__name__, len(gc.get_count()))
