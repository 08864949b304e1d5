"""Bundles: a program with the helper modules it imports, as one blob (docs/protocol.md, "Bundles").

``HILB``, the module count, then per module its device path (``helper.mpy``,
``pkg/__init__.mpy``; a length byte and the bytes) and its .mpy (a u32
length and the bytes), then the program's .mpy. A plain .mpy has no modules.
targets/micropython/hil_modules.c reads it on the booters; the raw-REPL
transport stages the modules into its in-RAM filesystem instead.
"""

from __future__ import annotations

from ...errors import ConfigError

BUNDLE_MAGIC = b"HILB"
BUNDLE_MODULES_MAX = 255


def bundle(program: bytes, modules: list[tuple[str, bytes]]) -> bytes:
    """One blob holding ``modules`` (device path and .mpy) followed by the program's .mpy."""
    if len(modules) > BUNDLE_MODULES_MAX:
        raise ConfigError(f"{len(modules)} helper modules do not fit one bundle (at most {BUNDLE_MODULES_MAX})")
    parts = [BUNDLE_MAGIC, bytes([len(modules)])]
    for path, blob in modules:
        name = path.encode()
        if not 0 < len(name) < 256:
            raise ConfigError(f"helper module path {path!r} must be 1 to 255 bytes")
        parts += [bytes([len(name)]), name, len(blob).to_bytes(4, "little"), blob]
    parts.append(program)
    return b"".join(parts)


def unbundle(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The program and helper modules of a bundle; a plain .mpy has none."""
    if not blob.startswith(BUNDLE_MAGIC):
        return blob, []
    count, at, modules = blob[4], 5, []
    for _ in range(count):
        size = blob[at]
        name = blob[at + 1:at + 1 + size].decode()
        at += 1 + size
        length = int.from_bytes(blob[at:at + 4], "little")
        modules.append((name, blob[at + 4:at + 4 + length]))
        at += 4 + length
    return blob[at:], modules
