# gc.get_threshold() / gc.set_threshold(): generation 0 is collected when
# its counter passes threshold 0; generations 1 and 2 after threshold 1
# and threshold 2 collections of the younger generation.
import gc

print("default:", gc.get_threshold())
gc.set_threshold(100)
print("set one:", gc.get_threshold())
gc.set_threshold(50, 5, 2)
print("set three:", gc.get_threshold())
old = gc.get_threshold()
gc.set_threshold(700, 10, 10)
print("restored:", gc.get_threshold(), "was:", old)
