# expect: hand-written (valid Python that minipy rejects: async functions are outside its subset)
# `async def` (coroutines) is outside minipy's subset.
print("never printed by minipy")

async def fetch():
    return 1

print("defined")
