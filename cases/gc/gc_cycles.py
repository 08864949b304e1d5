# requires: module:gc
import gc
class Node:
    def __init__(self, v):
        self.v = v
        self.other = None
total = 0
for i in range(200):
    a = Node(i)
    b = Node(-i)
    a.other = b
    b.other = a
    total += a.other.other.v
    a = b = None
    if i % 50 == 0:
        gc.collect()
print(total)
ring = [Node(i) for i in range(5)]
for i in range(5):
    ring[i].other = ring[(i + 1) % 5]
ring = ring[0]
gc.collect()
n = ring
seen = []
for _ in range(6):
    seen.append(n.v)
    n = n.other
print(seen)
print(ring.other.other.v, ring is ring.other.other.other.other.other)
