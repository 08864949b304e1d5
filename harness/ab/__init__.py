"""An A/B of two VM sources on the same targets: what a change to the VM did to every case.

Both sides run the same cases through the same runner (harness/suite/runner.py),
each with its own source (harness/suite/sources.py): ``python -m harness ab
--a SOURCE --b SOURCE`` (harness/cli_ab.py) runs side A, then side B, target
by target; pytest's ``--ab-against SOURCE`` runs each case on that source
and on the run's own (harness/pytest_ab.py).

- ``compare.py``: one case on both sides: the verdicts, the outputs, the
  cycles (exact on emulated targets, a spread on measured ones), heap and
  stack, the blobs; what got worse, and the exit status.
- ``firmware.py``: each side's firmware: flash and RAM by section and the
  functions that grew or shrank most.
- ``crossrun.py``: where the two compilers made different blobs, A's blob
  on B's VM, so a change is put down to the compiler or the VM.
- ``run.py``: the command line's A/B: both sides, target by target.

The reports are harness/reports/ab.py (tables) and harness/reports/ab_plot.py.
"""
