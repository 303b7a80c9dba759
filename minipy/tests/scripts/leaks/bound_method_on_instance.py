# Storing a bound method on its own instance (self.callback =
# self.method) creates a cycle: the bound method holds the instance, the
# instance holds the bound method. The object lives on until gc.collect().
import gc

gc.collect()

class Button:
    def __init__(self, label):
        self.label = label
        self.on_click = self.handle
    def handle(self):
        return "clicked " + self.label
    def __del__(self):
        print("Button", self.label, "freed")

b = Button("ok")
print(b.on_click())
print("method holds instance:", b.on_click.__self__ is b)
del b
print("after del")
print("collected something:", gc.collect() > 0)
print("end")
