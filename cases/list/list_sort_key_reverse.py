people = [('ann', 31), ('bob', 25), ('cy', 33), ('dee', 19), ('ed', 27)]
print(sorted(people, key=lambda p: p[1]))
print(sorted(people, key=lambda p: p[1], reverse=True))
print(sorted(people, key=lambda p: (-p[1], p[0])))
nums = [5, -3, 2, -8, 0, 7]
nums.sort()
print(nums)
nums.sort(key=abs)
print(nums)
nums.sort(reverse=True)
print(nums)
words = ['bb', 'a', 'cccc', 'ddd', 'eeeee']
words.sort(key=len)
print(words)
