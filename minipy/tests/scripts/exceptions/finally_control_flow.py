# finally runs even when the try block returns, breaks or continues; a
# return inside finally overrides the try's return and swallows an
# exception in flight.
def returns_in_try():
    try:
        return "from try"
    finally:
        print("finally after return")

print(returns_in_try())

def finally_overrides():
    try:
        return "from try"
    finally:
        return "from finally"

print(finally_overrides())

def swallow():
    try:
        raise ValueError("lost")
    finally:
        return "exception swallowed"

print(swallow())

for i in range(3):
    try:
        if i == 1:
            continue
        print("body", i)
    finally:
        print("finally", i)

while True:
    try:
        raise KeyError("also lost")
    finally:
        print("break in finally")
        break
print("after loop")
