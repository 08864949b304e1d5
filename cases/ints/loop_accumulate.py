total = 0
for i in range(1000):
    total += i * i
print(total)
fib = [0, 1]
while len(fib) < 40:
    fib.append(fib[-1] + fib[-2])
print(fib[10], fib[20], fib[30], fib[39])
acc = 1
for i in range(1, 13):
    acc *= i
print(acc)
h = 5381
for ch in 'bytecode-hil':
    h = (h * 33 + ord(ch)) & 0xFFFFFF
print(h)
