# gc.collect() on a large live heap: 200,000 instances, each holding a
# list, linked into a chain; nothing is garbage, so the full collection
# examines and keeps every tracked object. Prints the median time of five
# collections in seconds (read by the benchmark runner).
import gc
import time


class Node:
    def __init__(self, nxt):
        self.nxt = nxt
        self.items = [1, 2, 3]


head = None
for i in range(200000):
    head = Node(head)

gc.collect()
times = []
for i in range(5):
    t0 = time.perf_counter()
    gc.collect()
    times.append(time.perf_counter() - t0)
times.sort()
print("collect_seconds", times[2])
