# An uncaught error deep in a call chain: the traceback lists every call,
# outermost first, with each frame's file, line and function name.
def average(values):
    return sum(values) / len(values)

def report(groups):
    for name in groups:
        print(name, average(groups[name]))

def main():
    report({"a": [1, 2, 3], "empty": []})

print("report:")
main()
