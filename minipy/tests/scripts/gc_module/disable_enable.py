# gc.disable() stops automatic collections (reference counting still
# works); gc.collect() still works by hand; gc.enable() turns automatic
# collection back on.
import gc

gc.collect()
freed = []

class Cyclic:
    def __init__(self, n):
        self.n = n
        self.me = self
    def __del__(self):
        freed.append(self.n)

print("enabled at start:", gc.isenabled())
gc.disable()
print("after disable:", gc.isenabled())
gc.set_threshold(10)
for i in range(200):
    Cyclic(i)
print("freed while disabled:", len(freed))
print("explicit collect:", gc.collect())
print("freed after collect:", len(freed))
gc.enable()
print("after enable:", gc.isenabled())
freed.clear()
for i in range(200):
    Cyclic(i)
print("freed automatically once enabled:", len(freed) > 0)
gc.set_threshold(700, 10, 10)
