class ProtocolError(Exception):
    pass
print('before failure')
for i in range(3):
    print('step', i)
raise ProtocolError('bad frame 7 at end of case')
