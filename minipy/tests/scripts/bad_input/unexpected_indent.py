# An indented line where no block starts is an IndentationError (a kind
# of SyntaxError), reported with its line number.
print("never printed")
total = 0
    total += 1
print(total)
