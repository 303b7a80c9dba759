# List methods mutate the list in place and (mostly) return None.
nums = [3, 1, 2]
print(nums.append(4), nums)
nums.extend([5, 6])
nums.insert(0, 0)
print(nums)
print(nums.pop(), nums.pop(0), nums)
nums.remove(2)
print(nums, nums.index(4), nums.count(1))
nums.reverse()
print(nums)
nums.sort()
print(nums)
words = ["banana", "Apple", "cherry"]
words.sort(key=len)
print(words)
words.sort(reverse=True)
print(words)
copy = words.copy()
copy.clear()
print(copy, words)
print([1, 2] + [3], [0] * 3, [1, 2] == [1, 2], [1, 2] < [1, 3])
grid = [[0] * 2] * 2
grid[0][0] = 1
print(grid)
