# A finalizer can use module globals -- here a counter and a config dict
# -- as long as they still exist when it runs.
import gc

config = {"verbose": True}
closed = 0

class Connection:
    def __init__(self, host):
        self.host = host
    def __del__(self):
        global closed
        closed += 1
        if config["verbose"]:
            print("closing", self.host, "- closed so far:", closed)

c1 = Connection("db1")
c2 = Connection("db2")
del c1
config["verbose"] = False
del c2
print("total closed:", closed)
config["verbose"] = True
c3 = Connection("db3")
c3.self_ref = c3
del c3
gc.collect()
print("total closed:", closed)
