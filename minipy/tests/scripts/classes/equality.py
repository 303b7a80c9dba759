# __eq__ defines ==; != is derived from it; `in` on a list uses ==, while
# `is` still compares identity. Without __eq__, == falls back to identity.
class Card:
    def __init__(self, rank, suit):
        self.rank = rank
        self.suit = suit
    def __eq__(self, other):
        if not isinstance(other, Card):
            return NotImplemented
        return self.rank == other.rank and self.suit == other.suit

a = Card(10, "hearts")
b = Card(10, "hearts")
c = Card(2, "spades")
print(a == b, a is b, a != b, a == c, a != c)
print(b in [c, a], Card(2, "spades") in [a, b], [a, c] == [b, c])
print(a == "10 of hearts", a != 5)

class Plain:
    pass

p = Plain()
q = Plain()
print(p == p, p == q, p != q, p in [q], p in [q, p])
