# A leak that grows: every call creates a cycle that reference counting
# cannot free. Counting live instances with gc.get_objects() shows the
# growth, and gc.collect() reclaims all of it.
import gc

gc.collect()

class Session:
    def __init__(self, user):
        self.user = user
        self.me = self

def handle_request(user):
    s = Session(user)
    return len(s.user)

def live_sessions():
    return len([o for o in gc.get_objects() if type(o) is Session])

gc.disable()
print("before:", live_sessions())
for i in range(10):
    handle_request("user" + str(i))
print("after 10 requests:", live_sessions())
for i in range(15):
    handle_request("user" + str(i))
print("after 25 requests:", live_sessions())
print("collected:", gc.collect())
print("after collect:", live_sessions())
gc.enable()
