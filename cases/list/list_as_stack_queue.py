stack = []
for i in range(5):
    stack.append(i * i)
out = []
while stack:
    out.append(stack.pop())
print(out)
queue = list('abcde')
order = []
while queue:
    x = queue.pop(0)
    order.append(x)
    if x == 'b':
        queue.append('z')
print(order)
stack = [[1, 2], [3]]
seen = []
while stack:
    top = stack.pop()
    for v in top:
        if v < 3:
            seen.append(v)
        else:
            stack.append([v - 2, v - 1])
print(seen, len(stack))
