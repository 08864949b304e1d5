# Project-level pytest settings. The bytecode-hil plugin itself is loaded
# through its pytest11 entry point (pyproject.toml), so it works the same in
# any project that installs the harness.
collect_ignore = ["bench", "reports", "ci", "targets"]
