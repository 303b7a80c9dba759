# Objects held by module-level names live until the interpreter exits;
# their __del__ runs during shutdown, after the last line of the script.
class Noisy:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("__del__", self.name)

first = Noisy("first")
second = Noisy("second")
temp = Noisy("temp")
del temp
print("last line of the script")
