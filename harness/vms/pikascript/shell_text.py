"""What stock PikaScript firmware prints on its shell, read (PikaObj.c's shell
loop, core 1.14.0; the pika-shell transport, shell.py, talks to it).

- **Boot**: firmware made by PikaScript's own init prints
  ``======[pikapython packages installed]======``, the core's version line
  ``pikascript-core==v1.14.0 (<edit time>)``, a rule, then the root object's
  "POWERED BY" banner, then the prompt ``>>> ``.
- **A line typed**: echoed as it is typed; the end of line brings ``\\r\\n``,
  the line's output, and the prompt again.
- **A .py.o streamed** (``0f 'pyo'``, u32 size of the rest, the rest): the
  ``0f`` is echoed; the shell answers ``\\r\\n=============== [File]
  ===============\\r\\n[   Info] Recived size: N\\r\\n=============== [ RUN]
  ===============\\r\\n``, runs it at once, returns to the firmware's loop,
  which prints the prompt again.
- **An uncaught error** does not stop the shell: the VM prints the error's
  message line (``Name: text``, ended by a bare ``\\n``; none when it drops
  the message of an exception a program raised), then the failing
  instruction of each frame it unwound, ``   OPC arg \\t\\t(#n)\\r\\n``, the
  failing one marked `` -> ``, and the run returns normally.
- **The VM stopping itself**: ``FatalError: heap exhausted (N-byte
  allocation); stopped`` (or another ``FatalError``); a CPU fault, as ports
  print one (``FATAL: CPU fault at PC 0x...``). The board then resets (a
  watchdog, or the port's own handler) and boots again.

Print output ends its lines with ``\\r\\n``: that, and a bare ``\\n`` ending
the VM's message line, is how the error's text is told from the program's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROMPT = b">>> "
BOOT_HEAD = b"======[pikapython packages installed]======\r\n"
VERSION = re.compile(rb"pikascript-core==v(\d+)\.(\d+)\.(\d+)(?: \(([^)\r\n]*)\))?\r?\n")
RUN_HEAD = b"=============== [ RUN] ===============\r\n"
FILE_HEAD = b"=============== [File] ===============\r\n"
RECEIVED = re.compile(rb"\[   Info\] Recived size: (\d+)\r\n")
HEAP_EXHAUSTED = re.compile(r"FatalError: heap exhausted \((\d+)-byte allocation\); stopped")
FATAL = re.compile(r"FatalError: [^\r\n]*")
CPU_FAULT = re.compile(r"(?:\r\n)?FATAL: CPU fault at PC (?:0x)?([0-9a-fA-F]{8})")   # a port starts it on a line of its own
# One frame's failing instruction: three capitals, its argument, its offset.
TRACE_LINE = re.compile(rb"^(?:   | -> )[A-Z]{3} [^\r\n]*\t\t\(#\d+\)\r?$", re.M)
RAISE_SITE = re.compile(r"^   RUN (\w+) \t\t\(#\d+\)\r?\n -> RIS ", re.M)
COLOUR = re.compile(r"\x1b\[[0-9;]*m")

# PikaExceptionType (PikaObj.h), the names the VM raises by.
EXCEPTION_NAMES = frozenset((
    "BaseException", "Exception", "SystemExit", "KeyboardInterrupt", "GeneratorExit", "StopIteration",
    "ArithmeticError", "OverflowError", "ZeroDivisionError", "AssertionError", "AttributeError",
    "ImportError", "ModuleNotFoundError", "LookupError", "IndexError", "KeyError", "MemoryError",
    "NameError", "UnboundLocalError", "OSError", "RuntimeError", "NotImplementedError", "RecursionError",
    "SyntaxError", "IndentationError", "TabError", "SystemError", "TypeError", "ValueError", "UnicodeError",
))
MESSAGE = re.compile(r"(?P<name>[A-Za-z_]\w*)(?P<text>: .*)?")


def boot_version(text: bytes) -> tuple[str, str] | None:
    """The core version ("1.14.0") and its build stamp a boot announced, or None."""
    match = VERSION.search(text)
    if not match:
        return None
    return ".".join(g.decode() for g in match.groups()[:3]), (match.group(4) or b"").decode("ascii", "replace")


@dataclass
class Split:
    """A run's text, taken apart."""

    output: bytes      # what the program printed
    error: str         # the VM's text of an uncaught error ('' for none)
    summary: str       # its last line, ``Type: message`` or the type alone


def _message_start(line: str) -> int:
    """Where, in the text before a bare ``\\n``, the VM's message line begins
    (a program's ``print(..., end='')`` may have left text before it), or -1."""
    plain = COLOUR.sub("", line)
    for at in range(len(plain)):
        match = MESSAGE.fullmatch(plain, at)
        if match and match.group("name") in EXCEPTION_NAMES:
            # The same place in the text with its colour codes still in.
            prefix = plain[:at]
            raw_at = 0
            while COLOUR.sub("", line[:raw_at]) != prefix:
                raw_at += 1
            return raw_at
    return -1


def summary_line(message: str, error: str) -> str:
    """``Type: message`` of an uncaught error: the VM's own message line when
    it printed one; else the exception class the program raised (the
    instruction before ``RIS``); else the message line's bare type."""
    plain = COLOUR.sub("", message).strip()
    match = MESSAGE.fullmatch(plain) if plain else None
    if match and match.group("text"):
        return plain
    raised = RAISE_SITE.search(error)
    if raised:
        return raised.group(1)
    return plain or "Error"


def split_run(text: bytes) -> Split:
    """The program's output and the VM's error text of one run's bytes (what
    came between the RUN line and the prompt)."""
    first = TRACE_LINE.search(text)
    if first is None:
        return Split(text, "", "")
    start = first.start()
    message = ""
    # The message line ends with a bare "\n" just before the first trace line.
    if start >= 1 and text[start - 1:start] == b"\n" and text[start - 2:start - 1] != b"\r":
        line_at = text.rfind(b"\n", 0, start - 1) + 1
        line = text[line_at:start - 1].decode("utf-8", "replace")
        at = _message_start(line)
        if at >= 0:
            message = line[at:]
            start = line_at + len(line[:at].encode("utf-8", "replace"))
    error = text[start:].decode("utf-8", "replace")
    return Split(text[:start], error, summary_line(message, error))
