"""from __future__ imports are accepted and change nothing: every
feature is already how Python 3.11 (and minipy) behaves."""
from __future__ import annotations
from __future__ import division, print_function, generator_stop

def half(x: int) -> float:
    return x / 2

print(half(3))
import __future__
print(len(__future__.all_feature_names), "annotations" in __future__.all_feature_names)
