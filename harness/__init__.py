"""bytecode-hil: a hardware-in-the-loop conformance harness for Python VMs.

The package is a library first: build the compiler and VM (``harness.build``),
bring up a target (``harness.device``), push and run blobs (``harness.protocol``)
and judge the results (``harness.verdict``). ``harness.plugin`` maps pytest
options and fixtures onto it; ``python -m harness`` drives it without pytest.
"""

__version__ = "0.1.0"
