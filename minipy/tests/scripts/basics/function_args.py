# Function parameters: defaults, keyword arguments, *args and **kwargs,
# and the classic mutable-default pitfall.
def greet(name, greeting="Hello", punct="!"):
    return greeting + ", " + name + punct

print(greet("Ann"))
print(greet("Bob", "Hi"))
print(greet("Cy", punct="?"))
print(greet(punct=".", name="Di"))

def collect(first, *args, **kwargs):
    print("first:", first, "args:", args, "kwargs:", sorted(kwargs.items()))

collect(1)
collect(1, 2, 3)
collect(1, 2, x=10, y=20)
values = [4, 5, 6]
options = {"sep": "-"}
collect(*values, **options)

def append_to(item, bucket=[]):
    bucket.append(item)
    return bucket

print(append_to(1))
print(append_to(2))

def append_fixed(item, bucket=None):
    if bucket is None:
        bucket = []
    bucket.append(item)
    return bucket

print(append_fixed(1), append_fixed(2))
