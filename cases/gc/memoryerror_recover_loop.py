# requires: bigint
results = []
for size in (2 ** 62, 2 ** 61):
    try:
        bytearray(size)
        results.append('allocated')
    except (MemoryError, OverflowError):
        results.append('refused')
print(results)
print(len(bytearray(100)), bytes(3))
after = [str(i) for i in range(10)]
print(''.join(after), len(after))
