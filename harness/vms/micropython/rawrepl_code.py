"""What the raw-REPL transport (rawrepl.py) runs on the device: the probe of
what the firmware is, the in-RAM filesystem a blob is staged into, and the
function that imports it between two clock readings."""

from __future__ import annotations

import re

# Printed as key=value lines. Every probe is guarded: stock builds differ.
PROBE = r"""
import sys
def _p(k, v):
    print(k + '=' + str(v))
_i = sys.implementation
_p('vm', _i.name)
_p('version', '.'.join([str(x) for x in _i.version[:3]]))
_p('mpy', getattr(_i, '_mpy', 0))
_p('machine', getattr(_i, '_machine', ''))
_p('platform', sys.platform)
try:
    import gc
    gc.collect()
    _p('heap', gc.mem_free() + gc.mem_alloc())
    _p('free', gc.mem_free())
except ImportError:
    pass
_b = 1
try:
    while (1 << _b) is (1 << _b):
        _b += 1
except OverflowError:
    pass
_p('smallint', _b + 1)
_f = ['core']
try:
    float('1.5')
    _f.append('float')
    _f.append('double' if 1.0 + 1e-10 != 1.0 else 'float32')
except Exception:
    pass
try:
    if 2 ** 100 > 2 ** 99:
        _f.append('bigint')
except Exception:
    pass
for _m in ('sys', 'gc', 'micropython', 'math', 'cmath', 'struct', 'array', 'collections', 'io',
           'time', 'os', 're', 'json', 'random', 'heapq', 'binascii', 'hashlib', 'select', 'errno',
           'uctypes', 'machine', 'vfs'):
    try:
        __import__(_m)
        _f.append('module:' + _m)
    except ImportError:
        pass
def _t(name, test):
    try:
        if test():
            _f.append(name)
    except Exception:
        pass
class _R:
    def __radd__(s, o):
        return 7
class _S:
    def __floordiv__(s, o):
        return 7
class _I:
    def __iadd__(s, o):
        return 7
def _inplace():
    x = _I()
    x += 1
    return x == 7
def _slice_assign():
    b = bytearray(2)
    b[0:1] = b'x'
    return b == bytearray(b'x\x00')
class _D:
    def __get__(s, o, t):
        return 7
class _C:
    d = _D()
class _A:
    def __setattr__(s, k, v):
        _A.seen = v
def _setattr():
    a = _A()
    a.x = 7
    return _A.seen == 7
def _fn():
    pass
class _G:
    def __getitem__(s, k):
        return k
_t('unicode', lambda: len('\u00e9') == 1)
_t('frozenset', lambda: len(frozenset((1, 1))) == 1)
_t('memoryview', lambda: memoryview(b'ab')[1] == 98)
_t('bytes-hex', lambda: b'\x01'.hex() == '01' and bytes.fromhex('01') == b'\x01')
_t('str-partition', lambda: 'a=b'.partition('=') == ('a', '=', 'b'))
_t('str-center', lambda: 'a'.center(3) == ' a ')
_t('str-splitlines', lambda: 'a\nb'.splitlines() == ['a', 'b'])
_t('reverse-ops', lambda: 1 + _R() == 7)
_t('special-methods', lambda: _S() // 1 == 7)
_t('inplace-ops', _inplace)
_t('slice-assign', _slice_assign)
_t('descriptors', lambda: _C().d == 7)
_t('slice-attrs', lambda: _G()[1:2:3].step == 3)
_t('slice-indices', lambda: _G()[1:5].indices(3) == (1, 3, 1))
_t('round-int', lambda: round(123, -1) == 120)
_t('pow3', lambda: pow(2, 3, 5) == 3)
_t('ordereddict', lambda: __import__('collections').OrderedDict is not None)
_t('deque', lambda: __import__('collections').deque is not None)
_t('next-default', lambda: next(iter(()), 7) == 7)
_t('setattr-delattr', _setattr)
_t('function-attrs', lambda: _fn.__name__ == '_fn')
_t('notimplemented', lambda: NotImplemented is not None)
_t('range-binop', lambda: range(3) == range(3))
_t('sys-maxsize', lambda: sys.maxsize > 0)
_t('sys-stdfiles', lambda: sys.stdout is not None)
_p('features', ','.join(_f))
"""

# Sent first for every case, after the soft reset: an in-RAM filesystem
# holding the blob, in the VFS protocol stock firmware speaks to Python
# filesystems, and the function that imports the blob between
# ticks_us() readings. The filesystem is also its one file (open() returns
# it): an io.IOBase, so the importer reads it as a stream. The importer
# closes it once the module is loaded, just before the module runs: that
# frees the blob, as the booter frees it, and marks where loading ends and
# the run begins. _run prints the run's and the load's microseconds and the
# heap in use on a marker line after the case's output, whatever the case
# did; nothing it does after the case allocates. Kept short: the device
# compiles it for every case.
STAGE = """
import sys, io
try:
    from vfs import mount
except ImportError:
    from os import mount
from time import ticks_us as _T, ticks_diff as _D
try:
    from gc import collect as _C, mem_alloc as _A
except ImportError:
    _C = _A = lambda: 0
class _FS(io.IOBase):
    def __init__(s, n):
        s.data, s.pos, s.loaded, s.extra = bytearray(n), 0, 0, {}
    def mount(s, *args):
        pass
    umount = chdir = mount
    def getcwd(s):
        return ''
    def stat(s, path):
        p = path[1:]
        if path == '/' or [k for k in s.extra if k.startswith(p + '/')]:
            return (0x4000,) + (0,) * 9
        if p in s.extra:
            return (0x8000,) + (0,) * 5 + (len(s.extra[p]),) + (0,) * 3
        if path != '/{module}.mpy' or s.data is None:
            raise OSError(2)
        return (0x8000,) + (0,) * 5 + (len(s.data),) + (0,) * 3
    def ilistdir(s, path):
        return iter([] if s.data is None else [('{module}.mpy', 0x8000, 0, len(s.data))])
    def open(s, path, mode):
        if path[1:] in s.extra:
            return io.BytesIO(s.extra[path[1:]])
        s.stat(path)
        s.pos = 0
        return s
    def readinto(s, buf):
        n = min(len(buf), len(s.data) - s.pos)
        buf[:n] = s.data[s.pos:s.pos + n]
        s.pos += n
        return n
    def read(s, n=-1):
        buf = bytearray(len(s.data) - s.pos if n < 0 else n)
        return bytes(buf[:s.readinto(buf)])
    def ioctl(s, req, arg):
        if req == 4:
            s.close()
        return 0
    def close(s):
        s.data, s.loaded = None, _T()
def _run():
    _C()
    t = _T()
    try:
        import {module}
    finally:
        e = _T()
        r = _fs.loaded or e
        print('\\x1f{marker}', _D(e, r), _D(r, t), _A(), end='\\x1e')
_fs = _FS({size})
mount(_fs, '{mount}')
sys.path.insert(0, '{mount}')
"""
RUN = "_run()\n"

_LITERAL = [chr(b) if 0x20 <= b < 0x7F and b not in (0x27, 0x5C) else f"\\x{b:02x}" for b in range(256)]


def bytes_literal(data: bytes) -> str:
    """``data`` as a Python bytes literal of printable ASCII."""
    return "b'" + "".join(_LITERAL[b] for b in data) + "'"


def compact(code: str) -> str:
    """``code`` with one space of indentation a level instead of four: the
    device takes every byte through a UART."""
    return re.sub(r"^(?:    )+", lambda m: " " * (len(m.group(0)) // 4), code, flags=re.M)
