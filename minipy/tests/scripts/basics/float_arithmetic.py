# Floats: true division always gives a float, repr is the shortest string
# that round-trips, and mixing int and float gives a float.
print(1 / 4, 3 / 1, 10 / 4)
print(0.1 + 0.2)
print(0.1 + 0.2 == 0.3)
print(2.5 * 2, 2 * 2.5, 1.5 + 1)
print(7.5 // 2, 7.5 % 2, -7.5 // 2)
print(1e16, 1.5e-7, 123456789.0, 0.001)
print(3.0, -0.5, 100.0 / 3)
print(float(3), int(3.99), int(-3.99), float("2.5"))
print(1 == 1.0, 2 < 2.5, 0.0 == -0.0)
print(repr(1.0), str(0.25))
