events = []
def g():
    try:
        yield 'a'
        yield 'b'
    finally:
        events.append('finally')
for v in g():
    events.append(v)
print(events)
events.clear()
def h():
    try:
        yield 1
        raise ValueError('inside')
    finally:
        events.append('h finally')
try:
    for v in h():
        events.append(v)
except ValueError as e:
    events.append('caught ' + str(e))
print(events)
print(len(events), events[0])
