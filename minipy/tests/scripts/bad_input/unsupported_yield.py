# expect: hand-written (valid Python that minipy rejects: generators are outside its subset)
# Generators are outside minipy's subset: `yield` anywhere in the file is
# a SyntaxError at parse time, so nothing runs, not even the first print.
print("never printed by minipy")

def countdown(n):
    while n > 0:
        yield n
        n -= 1

print(list(countdown(3)))
