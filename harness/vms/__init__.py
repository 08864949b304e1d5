"""VM profiles: everything the harness knows about one Python VM."""

from . import micropython  # noqa: F401  (registers the profile)
