# A syntax error stops the script before anything runs -- even the print
# on the first line. The message names the file and line and says what
# was expected.
print("never printed: the file does not compile")
x = 1
if x == 1
    print("one")
