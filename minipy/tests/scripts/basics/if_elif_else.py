# if/elif/else picks the first true branch; conditional expressions are
# the one-line form.
def classify(n):
    if n < 0:
        return "negative"
    elif n == 0:
        return "zero"
    elif n < 10:
        return "small"
    else:
        return "large"

for n in [-5, 0, 7, 42]:
    print(n, classify(n))

x = 3
print("odd" if x % 2 else "even")
if []:
    print("empty list is true?")
else:
    print("empty list is false")
if x > 1 and x < 5 or x == 100:
    print("in range")
if not x == 4:
    print("not four")
