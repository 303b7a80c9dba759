# An uncaught exception ends the script with status 1, but objects still
# alive are finalized afterwards, during shutdown: their __del__ output
# comes after the traceback.
class Resource:
    def __del__(self):
        print("Resource finalized at shutdown")

r = Resource()
print("about to fail")
raise RuntimeError("fatal")
