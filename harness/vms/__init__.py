"""VM profiles: everything the harness knows about one Python VM (harness/vms/base.py)."""

from . import micropython  # noqa: F401  (registers the profile and its transports)
