def run(x):
    out = []
    try:
        out.append('try')
        if x == 'raise':
            raise ValueError('v')
        if x == 'other':
            raise KeyError('k')
    except ValueError:
        out.append('except')
    else:
        out.append('else')
    finally:
        out.append('finally')
    return out
print(run('ok'))
print(run('raise'))
try:
    run('other')
except KeyError:
    print('KeyError escaped after finally')
