# Indexing and slicing: negative indices count from the end, slices never
# raise for out-of-range bounds, and steps can go backwards.
nums = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
print(nums[0], nums[-1], nums[-3])
print(nums[2:5], nums[:3], nums[7:], nums[-3:], nums[:-7])
print(nums[::2], nums[1::3], nums[::-1], nums[8:2:-2], nums[-1:-4:-1])
print(nums[5:100], nums[100:], nums[3:1], nums[:])
s = "abcdefg"
print(s[0], s[-1], s[1:4], s[::-1], s[::3], s[-2:])
t = (10, 20, 30, 40)
print(t[1:3], t[::-1], t[-1])
copy = nums[:]
print(copy == nums, copy is nums)
nums[0] = 100
nums[-1] = 900
print(nums)
nums[1:4] = ["a", "b"]
print(nums)
del nums[0]
del nums[-2:]
print(nums)
