"""The raw REPL of stock MicroPython firmware, as MicroPython documents it (see rawrepl.py).

``RawRepl`` enters it, soft-resets the VM, and runs code in raw-paste mode
(with its flow control) or, where the firmware refuses that, plain raw mode.
"""

from __future__ import annotations

import time

from ...errors import ProtocolError

BANNER = b"raw REPL; CTRL-B to exit\r\n"
PROMPT = b">"
SOFT_REBOOT = b"soft reboot\r\n"
CTRL_A, CTRL_C, CTRL_D = b"\x01", b"\x03", b"\x04"
PASTE_REQUEST = b"\x05A\x01"


class _Timeout(Exception):
    """Nothing expected came in time; ``pending`` is what came instead."""

    def __init__(self, what: str, pending: bytes):
        super().__init__(what)
        self.what = what
        self.pending = pending


class _RunTimeout(_Timeout):
    """The code was sent and ran, but did not end in time; ``pending`` is its output so far."""


class RawRepl:
    """MicroPython's raw REPL over a link: enter it, soft-reset, execute code."""

    def __init__(self, link, raw_paste: bool = True, plain_chunk: int = 256, plain_delay: float = 0.01):
        self.link = link
        self.buffer = bytearray()
        # None: not asked yet; then whether the firmware takes raw-paste.
        self.paste: bool | None = None if raw_paste else False
        self.plain_chunk = plain_chunk
        self.plain_delay = plain_delay

    # --- reading -----------------------------------------------------------
    def _fill(self, deadline: float) -> None:
        left = deadline - time.monotonic()
        if left > 0:
            self.buffer += self.link.read(4096, left)

    def read_until(self, marker: bytes, deadline: float, what: str, watch=None) -> bytes:
        """The bytes before ``marker``, consuming both; ``watch`` sees the
        buffer as it grows and may raise."""
        start = 0
        while True:
            at = self.buffer.find(marker, start)
            if at >= 0:
                data = bytes(self.buffer[:at])
                del self.buffer[:at + len(marker)]
                return data
            if watch is not None:
                watch(self.buffer)
            start = max(0, len(self.buffer) - len(marker) + 1)
            if time.monotonic() >= deadline:
                raise _Timeout(what, bytes(self.buffer))
            self._fill(deadline)

    def read_exactly(self, size: int, deadline: float, what: str) -> bytes:
        while len(self.buffer) < size:
            if time.monotonic() >= deadline:
                raise _Timeout(what, bytes(self.buffer))
            self._fill(deadline)
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def _poll(self) -> None:
        """Take in whatever the device has sent, without waiting."""
        self.buffer += self.link.read(4096, 0)

    # --- modes -------------------------------------------------------------
    def enter(self, deadline: float, retry: float = 1.0) -> None:
        """Stop whatever runs (Ctrl-C twice) and enter the raw REPL (Ctrl-A),
        asking again every ``retry`` seconds: a board still booting may miss
        the first request."""
        while True:
            self.link.write(b"\r" + CTRL_C)
            time.sleep(0.05)
            self.link.write(CTRL_C)
            time.sleep(0.05)
            self.link.write(b"\r" + CTRL_A)
            try:
                self.read_until(BANNER + PROMPT, min(deadline, time.monotonic() + retry), "raw REPL banner")
                return
            except _Timeout:
                if time.monotonic() >= deadline:
                    raise

    def soft_reset(self, deadline: float) -> None:
        """Ctrl-D at the raw prompt: the VM reboots, and the raw REPL is back."""
        self.link.write(CTRL_D)
        self.read_until(SOFT_REBOOT, deadline, "soft reboot")
        self.read_until(BANNER + PROMPT, deadline, "raw REPL banner after the soft reboot")

    # --- executing ---------------------------------------------------------
    def execute(self, code: bytes, send_deadline: float, run_timeout: float, watch=None) -> tuple[bytes, bytes]:
        """Run ``code``; its output and the text of its uncaught exception
        (both as the device sent them). ``run_timeout`` starts once the
        device has all the code."""
        if self.paste is not False:
            accepted = self._send_paste(code, send_deadline)
            if self.paste is None:
                self.paste = accepted
            if not accepted:
                self._send_plain(code, send_deadline)
        else:
            self._send_plain(code, send_deadline)
        deadline = time.monotonic() + run_timeout
        try:
            output = self.read_until(CTRL_D, deadline, "end of the output", watch)
        except _Timeout as exc:
            raise _RunTimeout(exc.what, exc.pending) from None
        try:
            error = self.read_until(CTRL_D, deadline, "end of the error output")
            self.read_until(PROMPT, deadline, "raw REPL prompt")
        except _Timeout as exc:
            raise _RunTimeout(exc.what, output) from None
        return output, error

    def _send_plain(self, code: bytes, deadline: float) -> None:
        for at in range(0, len(code), self.plain_chunk):
            self.link.write(code[at:at + self.plain_chunk])
            if self.plain_delay:
                time.sleep(self.plain_delay)
        self.link.write(CTRL_D)
        answer = self.read_exactly(2, deadline, "OK from the raw REPL")
        if answer != b"OK":
            raise ProtocolError(f"the raw REPL answered {answer + bytes(self.buffer[:60])!r} instead of OK")

    def _send_paste(self, code: bytes, deadline: float) -> bool:
        """Send ``code`` in raw-paste mode; False (and the device back at the
        raw prompt) if the firmware refuses it or does not know it."""
        self.link.write(PASTE_REQUEST)
        answer = self.read_exactly(2, deadline, "answer to the raw-paste request")
        if answer == b"R\x00":
            self.read_until(PROMPT, deadline, "raw prompt after raw-paste was refused")
            return False
        if answer != b"R\x01":
            # Taken as raw input: \x05A went into the line, and the \x01
            # reset the raw REPL, which announces itself again.
            self.buffer[:0] = answer
            self.read_until(BANNER + PROMPT, deadline, "raw REPL banner after an unknown raw-paste request")
            return False
        increment = int.from_bytes(self.read_exactly(2, deadline, "raw-paste window size"), "little")
        window, at, ended = increment, 0, False
        while at < len(code) and not ended:
            if window:
                self._poll()
            else:
                self._fill(deadline)
            while self.buffer and not ended:
                flow = self.buffer[0]
                del self.buffer[:1]
                if flow == 0x01:
                    window += increment
                elif flow == 0x04:
                    ended = True  # the device stopped taking code (a syntax error)
                else:
                    raise ProtocolError(f"unexpected byte {flow:#04x} from the device during raw-paste")
            if not window and not ended:
                if time.monotonic() >= deadline:
                    raise _Timeout("raw-paste flow control byte", bytes(self.buffer))
                continue
            if not ended:
                piece = code[at:at + window]
                self.link.write(piece)
                at += len(piece)
                window -= len(piece)
        self.link.write(CTRL_D)
        if not ended:
            # The device acknowledges the end; flow bytes may come first.
            while True:
                flow = self.read_exactly(1, deadline, "end of raw-paste acknowledgement")
                if flow == CTRL_D:
                    break
                if flow != CTRL_A:
                    raise ProtocolError(f"unexpected byte {flow!r} from the device ending raw-paste")
        return True
