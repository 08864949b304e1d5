n = 1234
print('{:d}|{:8d}|{:<8d}|{:^8d}|{:08d}'.format(n, n, n, n, n))
print('{:+d}|{:+d}|{: d}|{: d}'.format(n, -n, n, -n))
print('{:x}|{:X}|{:o}|{:b}'.format(255, 255, 8, 5))
print('{:#x}|{:#X}|{:#o}|{:#b}'.format(255, 255, 8, 5))
print('{:08b}|{:#010x}|{:>6x}'.format(5, 255, 255))
print('{:c}{:c}'.format(79, 75), '{:d}'.format(-0))
