"""The booter transport: bytecode-hil's own loader protocol (docs/protocol.md), host side.

Frames: SOF 0xA5, version, type, seq, u16 length, payload, CRC-32 of
version..payload. The host sends one request and waits for its answer (stop
and wait), so a 115200-baud link without flow control never overruns the
device; a lost or garbled frame is sent again.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import time
import zlib
from dataclasses import dataclass
from typing import Callable

from ..device.info import DeviceInfo, RunRecord
from ..device.link import Link
from ..errors import DeviceRejected, DeviceRestarted, DeviceTimeout, LinkCorrupted, ProtocolError
from ..registry import transports

VERSION = 1
SOF = 0xA5
HEADER = struct.Struct("<BBBBH")  # sof, version, type, seq, length
CRC = struct.Struct("<I")
MAX_PAYLOAD = 0xFFFF
# Devices send short frames (INFO is the longest); a longer length field is a
# false start of frame, and waiting for its bytes would stall the link.
MAX_DEVICE_PAYLOAD = 1024

# Host to device.
HELLO, LOAD, DATA, RESET = 0x01, 0x02, 0x03, 0x04
LOAD_RUN = 0x01
LOAD_SIGNED = 0x02  # an HMAC-SHA256 of the blob follows the LOAD header
MAC_LEN = 32
LOAD_HEADER = struct.Struct("<IIB")  # total length, blob CRC, flags
# Device to host.
INFO, ACK, ERR, RUNNING, OUT, TRACE, STATUS = 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86
STATUS_RECORD = struct.Struct("<BQQIIIIII")

STATUS_NAMES = {0: "ok", 1: "exception", 2: "memory-error", 3: "fault", 4: "load-error"}
ERROR_NAMES = {
    1: "bad-frame", 2: "bad-version", 3: "bad-type", 4: "oversize",
    5: "no-memory", 6: "bad-offset", 7: "blob-crc", 8: "bad-load", 9: "signature",
}


@dataclass(frozen=True)
class Frame:
    type: int
    seq: int
    payload: bytes


def encode_frame(type_: int, seq: int, payload: bytes = b"", version: int = VERSION) -> bytes:
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes does not fit a frame")
    header = HEADER.pack(SOF, version, type_, seq & 0xFF, len(payload))
    return header + payload + CRC.pack(zlib.crc32(header[1:] + payload))


class FrameDecoder:
    """Turns a byte stream into frames, skipping noise and corrupt frames."""

    def __init__(self, max_payload: int = MAX_PAYLOAD):
        self.buffer = bytearray()
        self.max_payload = max_payload
        self.dropped = 0  # bytes skipped while looking for a good frame

    def feed(self, data: bytes) -> list[Frame]:
        self.buffer += data
        frames = []
        while True:
            start = self.buffer.find(SOF)
            if start < 0:
                self.dropped += len(self.buffer)
                self.buffer.clear()
                break
            if start:
                self.dropped += start
                del self.buffer[:start]
            if len(self.buffer) < HEADER.size:
                break
            _, version, type_, seq, length = HEADER.unpack_from(self.buffer)
            if version != VERSION or length > self.max_payload:
                self._skip_one()
                continue
            end = HEADER.size + length + CRC.size
            if len(self.buffer) < end:
                break
            body = bytes(self.buffer[1:HEADER.size + length])
            (crc,) = CRC.unpack_from(self.buffer, HEADER.size + length)
            if crc != zlib.crc32(body):
                self._skip_one()
                continue
            frames.append(Frame(type_, seq, bytes(self.buffer[HEADER.size:HEADER.size + length])))
            del self.buffer[:end]
        return frames

    def _skip_one(self) -> None:
        # A false start of frame: resume the scan at the next byte.
        self.dropped += 1
        del self.buffer[:1]


class BooterClient:
    """Talks the loader protocol to one device over a Link."""

    def __init__(self, link: Link, frame_timeout: float = 2.0, retries: int = 4,
                 log: Callable[[str], None] | None = None, signing_key: bytes | None = None):
        self.link = link
        self._signing_key = signing_key  # never logged or reported
        self.frame_timeout = frame_timeout
        self.retries = retries
        self.decoder = FrameDecoder(MAX_DEVICE_PAYLOAD)
        self.pending: list[Frame] = []
        self.seq = 0
        self.info: DeviceInfo | None = None
        self.log = log or (lambda message: None)
        self.retries_used = 0

    # --- frames ------------------------------------------------------------
    def _next_frame(self, deadline: float) -> Frame | None:
        while not self.pending:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            data = self.link.read(4096, left)
            if data:
                self.pending.extend(self.decoder.feed(data))
        return self.pending.pop(0)

    def _send(self, type_: int, payload: bytes = b"") -> int:
        self.seq = (self.seq + 1) & 0xFF
        self.link.write(encode_frame(type_, self.seq, payload))
        return self.seq

    def _request(self, type_: int, payload: bytes, accept: set[int], retries: int | None = None,
                 send=None, unanswered=None, via: str = "") -> Frame:
        """Send a request until an answer of a type in ``accept`` (or ERR)
        comes. ``send(type_, payload) -> seq`` puts it on its way (the link by
        default; a mailbox transport posts it through RAM), ``unanswered()``
        may raise when a silence means more than a lost frame, and ``via``
        names the way in messages."""
        retries = self.retries if retries is None else retries
        send = send or self._send
        for attempt in range(retries + 1):
            seq = send(type_, payload)
            deadline = time.monotonic() + self.frame_timeout
            while True:
                frame = self._next_frame(deadline)
                if frame is None:
                    if unanswered is not None:
                        unanswered()
                    self.log(f"no answer to {via}frame type {type_:#x} (attempt {attempt + 1})")
                    break
                if frame.type == INFO and type_ != HELLO:
                    # The device restarted under us: whatever we sent is gone.
                    self.info = DeviceInfo.parse(frame.payload)
                    raise DeviceRestarted(f"the device restarted during a {via}transfer", self.info)
                if frame.seq != seq:
                    continue  # a late answer to an earlier request
                if frame.type == ERR and frame.payload[:1] in (b"\x01",):
                    self.log(f"device saw a corrupt {via}frame; sending again")
                    break
                if frame.type == ERR:
                    code = frame.payload[0]
                    raise DeviceRejected(ERROR_NAMES.get(code, str(code)),
                                         frame.payload[1:].decode("utf-8", "replace"), code)
                if frame.type in accept:
                    self.retries_used = attempt
                    return frame
        raise DeviceTimeout(f"device did not answer {via}frame type {type_:#x} after {retries + 1} tries")

    # --- operations --------------------------------------------------------
    def wait_ready(self, timeout: float) -> DeviceInfo:
        """Wait for the INFO a booter sends when it starts (its ready line)."""
        deadline = time.monotonic() + timeout
        while True:
            frame = self._next_frame(deadline)
            if frame is None:
                raise DeviceTimeout(f"no ready announcement from the device within {timeout:g} s")
            if frame.type == INFO:
                self.info = DeviceInfo.parse(frame.payload)
                return self.info

    def hello(self) -> DeviceInfo:
        frame = self._request(HELLO, b"", {INFO})
        self.info = DeviceInfo.parse(frame.payload)
        return self.info

    def run(self, blob: bytes, timeout: float) -> RunRecord:
        """Send ``blob``, run it, and collect its output and status."""
        info = self.info or self.hello()
        started = time.monotonic()
        chunk = max(16 + MAC_LEN, info.chunk)
        flags, mac = LOAD_RUN, b""
        if self._signing_key is not None:
            flags |= LOAD_SIGNED
            mac = hmac.new(self._signing_key, blob, hashlib.sha256).digest()
        first = blob[: chunk + 4 - LOAD_HEADER.size - len(mac)]
        retries = 0
        frame = self._request(LOAD, LOAD_HEADER.pack(len(blob), zlib.crc32(blob), flags) + mac + first,
                              {ACK, RUNNING})
        retries += self.retries_used
        offset = len(first)
        while frame.type == ACK:
            (offset,) = struct.unpack_from("<I", frame.payload)
            piece = blob[offset:offset + chunk]
            frame = self._request(DATA, struct.pack("<I", offset) + piece, {ACK, RUNNING})
            retries += self.retries_used
        pushed = time.monotonic()
        record = self._collect(frame.seq, timeout, self.decoder.dropped)
        record.clock_hz = info.clock_hz
        record.wall_seconds = time.monotonic() - started
        record.retries = retries
        record.extra["push_seconds"] = pushed - started  # until RUNNING: the transfer and its checks
        return record

    def _take_in_flight(self, seq: int, output: bytearray, trace: bytearray, grace: float = 0.25,
                        quiet: float = 0.05) -> int:
        """Read what the device is still sending (until ``quiet`` seconds pass
        without a byte, at most ``grace``), keeping the run's output. The
        bytes of a frame left cut short once the link went quiet (lost on
        the way); 0 when the device still sends: it runs on, and a frame on
        its way is no loss."""
        end = time.monotonic() + grace
        while time.monotonic() < end:
            data = self.link.read(4096, min(quiet, max(0.0, end - time.monotonic())))
            if not data:
                return len(self.decoder.buffer)
            for frame in self.decoder.feed(data):
                if frame.seq == seq and frame.type == OUT:
                    output += frame.payload
                elif frame.seq == seq and frame.type == TRACE:
                    trace += frame.payload
        return 0

    def _collect(self, seq: int, timeout: float, dropped_before: int) -> RunRecord:
        output = bytearray()
        trace = bytearray()
        deadline = time.monotonic() + timeout
        while True:
            frame = self._next_frame(deadline)
            if frame is None:
                # Bytes that failed their CRC, or a frame cut short, hint
                # that the status was lost on the link rather than never
                # sent. A frame still on its way at the limit is neither:
                # what is in flight is taken in first.
                cut_short = self._take_in_flight(seq, output, trace)
                noise = self.decoder.dropped - dropped_before + cut_short
                raise DeviceTimeout(f"the case did not finish within {timeout:g} s",
                                    bytes(output), trace.decode("utf-8", "replace"), noise)
            if frame.type == INFO:
                self.info = DeviceInfo.parse(frame.payload)
                raise DeviceRestarted("the device restarted while running the case", self.info)
            if frame.seq != seq:
                continue
            if frame.type == OUT:
                output += frame.payload
            elif frame.type == TRACE:
                trace += frame.payload
            elif frame.type == STATUS:
                if len(frame.payload) < STATUS_RECORD.size:
                    raise ProtocolError(f"short STATUS record ({len(frame.payload)} bytes)")
                code, run, load, used, peak, stack, pc, out_len, trace_len = \
                    STATUS_RECORD.unpack_from(frame.payload)
                if (out_len, trace_len) != (len(output), len(trace)):
                    raise LinkCorrupted(f"the device sent {out_len} bytes of output and {trace_len} of "
                                        f"traceback, {len(output)} and {len(trace)} arrived intact "
                                        f"({self.decoder.dropped - dropped_before} bytes failed their CRC)")
                return RunRecord(STATUS_NAMES.get(code, f"status-{code}"), bytes(output),
                                 trace.decode("utf-8", "replace"), run, load, used, peak, stack, pc)
            else:
                raise ProtocolError(f"unexpected frame type {frame.type:#x} during a run")


@transports.register("booter")
class BooterTransport:
    def __init__(self, link, options: dict | None = None):
        self.client = BooterClient(link, **(options or {}))

    def connect(self, timeout: float) -> DeviceInfo:
        """Wait for the booter's ready announcement."""
        return self.client.wait_ready(timeout)

    def run(self, blob: bytes, timeout: float) -> RunRecord:
        return self.client.run(blob, timeout)

    @property
    def info(self) -> DeviceInfo | None:
        return self.client.info
