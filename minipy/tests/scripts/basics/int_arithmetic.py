# Integer arithmetic: floor division and modulo round toward negative
# infinity, ** is exponentiation, and comparisons chain.
print(7 + 3, 7 - 3, 7 * 3, 7 / 2)
print(7 // 2, -7 // 2, 7 // -2)
print(7 % 3, -7 % 3, 7 % -3)
print(2 ** 10, (-2) ** 3, 2 ** 0)
print(-2 ** 2)
print(6 & 3, 6 | 3, 6 ^ 3, ~6, 1 << 10, 1024 >> 3)
print(abs(-5), -(-5), +5)
x = 10
x += 5
x -= 3
x *= 2
x //= 5
print(x)
print(1 < 2 < 3, 1 < 3 < 2, 3 > 2 == 2)
print(10 == 10, 10 != 10, 10 >= 11, 10 <= 10)
print(9223372036854775807)
print(-9223372036854775807 - 1)
