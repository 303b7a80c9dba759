# while and for loops with break/continue; a loop's else clause runs only
# when the loop ends without break.
i = 0
while i < 5:
    i += 1
    if i == 2:
        continue
    print("while", i)
else:
    print("while finished without break")

for n in range(10):
    if n == 3:
        print("breaking at", n)
        break
else:
    print("never printed")

def find(items, target):
    for i, item in enumerate(items):
        if item == target:
            print("found", target, "at", i)
            break
    else:
        print(target, "not found")

find(["a", "b", "c"], "b")
find(["a", "b", "c"], "z")

total = 0
for x in range(1, 4):
    for y in range(1, 4):
        if y > x:
            break
        total += x * y
print("total", total)
n = 0
while True:
    n += 1
    if n >= 3:
        break
print("n", n)
