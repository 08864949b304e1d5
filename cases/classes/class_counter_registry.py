class Node:
    registry = {}
    next_id = 1
    def __init__(self, label):
        self.id = Node.next_id
        Node.next_id += 1
        Node.registry[self.id] = self
        self.label = label
        self.links = []
    def link(self, other):
        self.links.append(other.id)
        other.links.append(self.id)
        return self
a, b, c = Node('a'), Node('b'), Node('c')
a.link(b).link(c)
for nid in sorted(Node.registry):
    n = Node.registry[nid]
    print(nid, n.label, sorted(n.links))
print(Node.next_id, len(Node.registry))
