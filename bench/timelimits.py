"""A tests/basics-sized corpus with a few hanging scripts, run with time
limits derived from the host reference (harness/suite/timelimits.py) and
with the target's fixed limit: the wall time of each, what a hang costs,
and the cases the rule cut that the fixed limit let finish (the goal: 0).

The corpus is written here: 500+ small scripts of the kinds a VM's own test
folder holds, a few that run for seconds on the device (they must finish
under both), and a few that never end.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from harness.options import Settings
from harness.paths import cache_dir
from harness.suite.corpus import Corpus
from harness.suite.runner import Runner
from harness.targets import load_target

_KINDS = [
    "x = {i}\nprint(x * 3 + 1, x // 2, x % 5, -x, x ** 2)\n",
    "s = 'abc{i}'\nprint(s.upper(), s[1:], s * 2, len(s), s.find('c'))\n",
    "l = list(range({i} % 17 + 3))\nl.reverse()\nprint(l, sum(l), sorted(l)[:3])\n",
    "d = {{str(k): k * {i} for k in range(5)}}\nprint(sorted(d.items()), len(d))\n",
    "class A:\n    def __init__(self, v):\n        self.v = v\n    def __repr__(self):\n        return 'A(%d)' % self.v\n"
    "print([A(k) for k in range({i} % 4 + 1)])\n",
    "try:\n    raise ValueError({i})\nexcept ValueError as e:\n    print('caught', e.args)\n",
    "def g(n):\n    for k in range(n):\n        yield k * k\nprint(list(g({i} % 9)))\n",
    "print(tuple(sorted({{{i} % 7, 3, {i} % 11, 1}})))\n",
    "print(int('{i}') << 3, hex({i}), bin({i} % 64), '%06d' % {i})\n",
    "t = 0\nfor k in range({i} % 50 + 200):\n    t += k & 7\nprint(t)\n",
    "print(' '.join(reversed('w{i} x y z'.split())), 'w{i}'.replace('w', 'v'))\n",
    "f = lambda a, b=2: a * b + {i}\nprint(f(3), f(3, 4), list(map(f, range(3))))\n",
]
# Programs that take seconds on the emulated board and end: about 3.7 s per
# million iterations of this loop on qemu-m0 at -icount 4 on this machine.
_SLOW = {"slow_0p2M": 200_000, "slow_0p5M": 500_000, "slow_1M": 1_000_000, "slow_1p5M": 1_500_000}
_HANGS = {
    "hang_spin": "print('spinning')\nwhile True:\n    pass\n",
    "hang_alloc": "while True:\n    x = [1, 2, 3]\n",
    "hang_generator": "def forever():\n    while True:\n        yield 1\nfor k in forever():\n    pass\n",
    "hang_long_loop": "x = 0\nfor k in range(10 ** 9):\n    x += k\nprint(x)\n",
}


def write_corpus(folder: Path, scripts: int = 520, hangs: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(scripts):
        (folder / f"basic_{i:03d}.py").write_text(_KINDS[i % len(_KINDS)].format(i=i + 1))
    for name, n in _SLOW.items():
        (folder / f"{name}.py").write_text(f"s = 0\nfor k in range({n}):\n    s += k % 7\nprint(s)\n")
    for name, text in _HANGS.items() if hangs else ():
        (folder / f"{name}.py").write_text(text)
    return folder


def one_run(target: str, cases: list, case_timeout: float | None) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory(prefix="hil-timelimits-") as tmp:
        runner = Runner(Settings(target=[target], case_timeout=case_timeout), Path(tmp))
        started = time.monotonic()
        try:
            runner.run_target(target, cases)
        finally:
            runner.close()
        wall = time.monotonic() - started
    return wall, {r["case"]: r for r in runner.records[target]}


def bench_timelimits(targets: list[str], scripts: int = 520) -> None:
    for target in targets:
        spec = load_target(target)
        if not spec.reference:
            print(f"{target}: no host reference, so no derived limits; skipped")
            continue
        calibration = cache_dir() / "time-limits" / f"{target}.json"
        kept = calibration.read_bytes() if calibration.is_file() else None
        with tempfile.TemporaryDirectory(prefix="hil-timelimits-corpus-") as tmp:
            cases = Corpus.open(write_corpus(Path(tmp) / "corpus", scripts)).cases()
            try:
                calibration.unlink(missing_ok=True)  # the first run measures from nothing
                runs = [("derived, first run (calibrating)", *one_run(target, cases, None)),
                        ("derived, calibrated", *one_run(target, cases, None)),
                        (f"fixed {spec.timeout:g} s", *one_run(target, cases, spec.timeout))]
            finally:
                if kept is not None:  # the user's calibration, as it was
                    calibration.write_bytes(kept)
        _report(target, spec.timeout, len(cases), runs)


def _report(target: str, fixed: float, count: int, runs: list) -> None:
    print(f"{target}: {count} scripts ({len(_HANGS)} that never end, {len(_SLOW)} that run for seconds)")
    fixed_results = runs[-1][2]
    for title, wall, results in runs:
        hangs = [results[name]["figures"].get("case_seconds", 0.0) for name in _HANGS if name in results]
        cut = [case for case, r in results.items() if r["verdict"] == "timeout"
               and fixed_results.get(case, {}).get("verdict") not in (None, "timeout")]
        verdicts = {}
        for r in results.values():
            verdicts[r["verdict"]] = verdicts.get(r["verdict"], 0) + 1
        print(f"  {title:34} {wall:7.1f} s; a hang costs {max(hangs, default=0):5.2f} s at most "
              f"(mean {sum(hangs) / max(1, len(hangs)):.2f} s); cut short where the fixed limit let it finish: "
              f"{len(cut)}{' ' + ', '.join(cut) if cut else ''}; {json.dumps(verdicts, sort_keys=True)}")
    for name in _SLOW:
        row = [f"{results[name]['verdict']} {results[name]['figures'].get('time_limit', {}).get('seconds', 0):.2f} s"
               for _, _, results in runs if name in results]
        print(f"    {name:12} (verdict and its limit per run): {'; '.join(row)}")
    print(f"  derived against fixed, calibrated: {runs[-1][1] / runs[1][1]:.1f}x faster; "
          f"without the hangs the fixed run would take about {runs[-1][1] - len(_HANGS) * fixed:.1f} s")
