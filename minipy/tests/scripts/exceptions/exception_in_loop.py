# Handling an exception inside a loop lets the loop go on; the error is
# counted and the good results are kept.
data = ["1", "2", "x", "4", "", "6"]
total = 0
errors = []
for item in data:
    try:
        total += int(item)
    except ValueError as e:
        errors.append(str(e))
        continue
    finally:
        pass
    print("added", item)
print("total", total)
for msg in errors:
    print("error:", msg)
