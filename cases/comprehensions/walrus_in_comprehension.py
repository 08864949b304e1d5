def run():
    data = [3, 8, 1, 9, 4]
    print([y for x in data if (y := x * 2) > 6])
    total = 0
    running = [(total := total + x) for x in data]
    print(running, total)
    if (n := len(data)) > 3:
        print('long', n)
    while (item := data.pop()) != 1:
        print('popped', item)
    print(data)
run()
if (m := 7 * 6) > 40:
    print('module level', m)
