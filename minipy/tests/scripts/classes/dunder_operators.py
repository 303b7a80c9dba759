# A few special methods: __len__, __getitem__, __contains__, __add__,
# __lt__ (used by sorted), __bool__ and __call__.
class Bag:
    def __init__(self, items):
        self.items = list(items)
    def __len__(self):
        return len(self.items)
    def __getitem__(self, i):
        return self.items[i]
    def __contains__(self, x):
        return x in self.items
    def __add__(self, other):
        return Bag(self.items + other.items)
    def __lt__(self, other):
        return len(self) < len(other)
    def __repr__(self):
        return "Bag(" + repr(self.items) + ")"
    def __call__(self, x):
        return x in self

b = Bag([1, 2])
c = Bag([3])
print(len(b), b[0], b[-1], 2 in b, 5 in b)
print(b + c, sorted([b, c, Bag([])]))
print(b(1), c(1))
print(bool(Bag([])), bool(b))
if not Bag([]):
    print("empty bag is falsy (via __len__)")
