# A block header (def, if, for, ...) must be followed by an indented
# block; the error names the header's line.
print("never printed")
def empty():
return 1
