"""What every transport to stock firmware (no booter of ours) shares."""

from __future__ import annotations

from ..errors import ConfigError


def stock_firmware_options(name: str, title: str, defaults: dict, given: dict | None) -> dict:
    """The transport ``name``'s options (``title``: its name for people),
    the given ones over ``defaults``. Stock firmware checks no signature, so
    a signing key is refused; an option it does not know is a typo."""
    options = dict(given or {})
    if options.pop("signing_key", None) is not None:
        raise ConfigError(f"the {title} transport cannot run signed blobs: stock firmware checks no signature",
                          f"run {title} targets without --signing-key")
    unknown = set(options) - set(defaults)
    if unknown:
        raise ConfigError(f"unknown {name} transport options: {', '.join(sorted(unknown))}",
                          f"known: {', '.join(defaults)}")
    return {**defaults, **options}
