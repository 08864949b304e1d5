hits = []
x = 5
def probe(x):
    path = []
    if x > -10:
        path.append(0)
        if x > -9:
            path.append(1)
            if x > -8:
                path.append(2)
                if x > -7:
                    path.append(3)
                    if x > -6:
                        path.append(4)
                        if x > -5:
                            path.append(5)
                            if x > -4:
                                path.append(6)
                                if x > -3:
                                    path.append(7)
                                    if x > -2:
                                        path.append(8)
                                        if x > -1:
                                            path.append(9)
                                            if x > 0:
                                                path.append(10)
                                                if x > 1:
                                                    path.append(11)
                                                    if x > 2:
                                                        path.append(12)
                                                        if x > 3:
                                                            path.append(13)
                                                            if x > 4:
                                                                path.append(14)
                                                                if x > 5:
                                                                    path.append(15)
                                                                    if x > 6:
                                                                        path.append(16)
                                                                        if x > 7:
                                                                            path.append(17)
                                                                            if x > 8:
                                                                                path.append(18)
                                                                                if x > 9:
                                                                                    path.append(19)
                                                                                    path.append('bottom')
    return path
print(probe(100))
print(probe(-3))
print(probe(-11))
count = 0
for i0 in range(2):
    for i1 in range(2):
        for i2 in range(2):
            for i3 in range(2):
                for i4 in range(2):
                    for i5 in range(2):
                        for i6 in range(2):
                            for i7 in range(2):
                                for i8 in range(2):
                                    for i9 in range(2):
                                        count += i0 + i9 + 1
print(count)
log = []
try:
    try:
        try:
            try:
                try:
                    try:
                        try:
                            try:
                                log.append('body')
                                raise ValueError('deep')
                            finally:
                                log.append('f7')
                        finally:
                            log.append('f6')
                    finally:
                        log.append('f5')
                finally:
                    log.append('f4')
            finally:
                log.append('f3')
        finally:
            log.append('f2')
    finally:
        log.append('f1')
except ValueError as e:
    log.append('caught ' + str(e))
print(log)
n = 0
while n < 3:
    while True:
        while True:
            while True:
                while True:
                    while True:
                        while True:
                            while True:
                                while True:
                                    n += 1
                                    break
                                break
                            break
                        break
                    break
                break
            break
        break
print(n)
