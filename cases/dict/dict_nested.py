cfg = {'net': {'port': 80, 'hosts': ['a', 'b']}, 'debug': False}
cfg['net']['port'] += 1
cfg['net']['hosts'].append('c')
cfg.setdefault('log', {})['level'] = 3
print(cfg['net']['port'], cfg['net']['hosts'], cfg['log'])
def walk(d, prefix=''):
    for k in sorted(d):
        v = d[k]
        if isinstance(v, dict):
            walk(v, prefix + k + '.')
        else:
            print(prefix + k, v)
walk(cfg)
