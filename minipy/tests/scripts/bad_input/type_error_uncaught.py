# An uncaught TypeError from mixing str and int.
def label(n):
    return "item " + n

print(label("1"))
print(label(2))
