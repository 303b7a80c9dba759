# The observer pattern: the subject keeps a list of its observers'
# callbacks (bound methods, which hold the observers), and each observer
# keeps a reference to the subject. The whole group forms a cycle.
import gc

gc.collect()
freed = []

class Subject:
    def __init__(self):
        self.listeners = []
    def subscribe(self, callback):
        self.listeners.append(callback)
    def notify(self, event):
        for cb in self.listeners:
            cb(event)
    def __del__(self):
        freed.append("subject")

class Observer:
    def __init__(self, name, subject):
        self.name = name
        self.subject = subject
        subject.subscribe(self.on_event)
    def on_event(self, event):
        print(self.name, "got", event)
    def __del__(self):
        freed.append(self.name)

s = Subject()
Observer("logger", s)
Observer("display", s)
s.notify("started")
del s
print("freed after del:", freed)
print("collected something:", gc.collect() > 0)
print("freed after collect:", sorted(freed))
