# expect: hand-written (valid Python that minipy rejects: match statements are outside its subset)
# The `match` statement (structural pattern matching) is outside minipy's
# subset. (`match` is still fine as an ordinary name.)
match = "a name"
print("never printed by minipy", match)

command = "go"
match command:
    case "go":
        print("going")
    case _:
        print("unknown")
