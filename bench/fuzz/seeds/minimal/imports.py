import fzmod

print(fzmod.twice(21))
c = fzmod.Counter()
c.add(3)
c.add(4)
print(c.total)
print(fzmod.NAME)
fzmod.note('seen')
print(fzmod.last())
