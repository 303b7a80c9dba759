# A ring of 100 objects, each pointing to the next and the last to the
# first: no object ever reaches refcount zero on its own. One collection
# frees the whole ring.
import gc

gc.collect()
deaths = 0

class Link:
    def __init__(self, n):
        self.n = n
        self.next = None
    def __del__(self):
        global deaths
        deaths += 1

first = Link(0)
last = first
for i in range(1, 100):
    link = Link(i)
    last.next = link
    last = link
last.next = first
del link
del last

print("ring length:", 100)
count = 1
node = first.next
while node is not first:
    count += 1
    node = node.next
print("walked:", count)
del node
del first
print("deaths before collect:", deaths)
print("collected:", gc.collect())
print("deaths after collect:", deaths)
