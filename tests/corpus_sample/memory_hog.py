# Fits a 64 KiB heap, not a 5 KiB one.
buffer = bytearray(20000)
print(len(buffer))
