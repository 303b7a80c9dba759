# A string literal that is not closed on its line: the file does not
# compile, so nothing runs.
print("never printed")
greeting = 'hello
print(greeting)
