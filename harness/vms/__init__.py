"""VM profiles: everything the harness knows about one Python VM (harness/vms/base.py)."""

from . import micropython, pikascript  # noqa: F401  (each registers its profile, and its transports)
