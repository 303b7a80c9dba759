# gc.callbacks: functions called with ("start" | "stop", info) around
# every collection; info has the generation, and in "stop" the number of
# objects collected and found uncollectable.
import gc

gc.collect()

def report(phase, info):
    print(phase, "generation", info["generation"], "collected", info["collected"], "uncollectable", info["uncollectable"])

a = []
b = [a]
a.append(b)
del a, b
gc.callbacks.append(report)
print("callbacks registered:", len(gc.callbacks))
print("collect returns", gc.collect())
print("collect(0) returns", gc.collect(0))
gc.callbacks.remove(report)
print("callbacks registered:", len(gc.callbacks))
print("silent collect returns", gc.collect())
