# Without any gc.collect() call, cycles are still freed: once enough new
# objects have been allocated (threshold 0), the interpreter runs a
# generation-0 collection by itself. gc.callbacks lets us watch it.
import gc

gc.collect()
freed = 0
generations = []

class Cyclic:
    def __init__(self):
        self.me = self
    def __del__(self):
        global freed
        freed += 1

def watch(phase, info):
    if phase == "start":
        generations.append(info["generation"])

gc.set_threshold(50)
gc.callbacks.append(watch)
for i in range(500):
    Cyclic()
gc.callbacks.remove(watch)
gc.set_threshold(700, 10, 10)
print("automatic collections ran:", len(generations) > 0)
print("a young collection was among them:", 0 in generations)
print("cycles freed without gc.collect():", freed > 0)
print("more than half of them:", freed > 250)
gc.collect()
print("after gc.collect(), freed:", freed)
