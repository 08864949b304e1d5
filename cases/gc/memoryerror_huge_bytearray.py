try:
    big = bytearray(100000000)
    print('allocated', len(big))
    big = None
except MemoryError:
    print('MemoryError')
small = bytearray(16)
small[0] = 7
print('still working', len(small), small[0])
print([i * i for i in range(5)])
