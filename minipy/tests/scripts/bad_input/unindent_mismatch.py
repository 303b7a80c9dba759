# Dedenting to a column that matches no enclosing block is an error too.
print("never printed")
if True:
        a = 1
    b = 2
