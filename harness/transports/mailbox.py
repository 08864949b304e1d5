"""The mailbox transport: the booter protocol, with blobs pushed straight into RAM.

Booters built with a mailbox (docs/protocol.md, "Pushing over SWD") announce
its address in INFO. Through a memory port (a debug probe's SWD access, or
QEMU's gdbstub standing in for one) the host writes a LOAD frame into the
mailbox and rings its doorbell; the booter sizes a fresh blob buffer and
answers ACK over the UART; the host writes the blob straight into that
buffer and posts RUN. From there the run is the UART transport's: RUNNING,
OUT, TRACE and STATUS come over the UART and are read by the same code, so
a blob runs and is reported alike however it was pushed. Only the push is
faster: a debug probe moves bytes far faster than a 115200-baud UART.

Without a memory port, or with firmware that has no mailbox, the transport
says so once and pushes over the UART instead.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import sys
import time
import zlib

from ..device.info import DeviceInfo, RunRecord
from ..errors import ConfigError, DeviceTimeout, LinkClosed, MemoryPortError, ProtocolError
from ..registry import transports
from .booter import (
    ACK,
    LOAD,
    LOAD_HEADER,
    LOAD_SIGNED,
    OUT,
    RUNNING,
    STATUS,
    TRACE,
    BooterClient,
    BooterTransport,
    Frame,
    encode_frame,
)

RUN = 0x05                 # run the blob a LOAD sized, its bytes written into its buffer
MAGIC = 0x4D4C4948         # "HILM": the mailbox's first word
MAILBOX_HEAD = struct.Struct("<IIII")  # magic, doorbell, address of the blob pointer, address of the wake pair
DOORBELL_OFFSET = 4
FRAME_OFFSET = MAILBOX_HEAD.size
WORD = struct.Struct("<I")
WAKE_BYTE = b"\x00"       # not a start of frame: the booter wakes, then skips it

# Transport names by push method, for --push (docs/boards.md).
PUSH_TRANSPORTS = {"uart": "booter", "swd": "booter-mailbox"}


class MailboxUnavailable(Exception):
    """The target has no usable mailbox; the message says why."""


class Mailbox:
    """A booter's mailbox at ``address``, reached through a memory port."""

    def __init__(self, port, address: int):
        try:
            magic, _, self.blob_ref, wake_ref = MAILBOX_HEAD.unpack(port.read(address, MAILBOX_HEAD.size))
            if magic != MAGIC:
                raise MailboxUnavailable(f"no mailbox at {address:#010x} (its first word is {magic:#010x}, "
                                         f"not {MAGIC:#010x}): the port reaches other memory than the booter's")
            # Where to write, after the doorbell, to wake a booter sleeping
            # while it waits (address 0: it never sleeps).
            self.wake_address, self.wake_value = struct.unpack("<II", port.read(wake_ref, 8))
        except MemoryPortError as exc:
            raise MailboxUnavailable(f"cannot read the mailbox at {address:#010x}: {exc}") from None
        self.port = port
        self.address = address

    def doorbell_rung(self) -> bool:
        """Whether the last frame posted is still waiting to be taken."""
        return WORD.unpack(self.port.read(self.address + DOORBELL_OFFSET, WORD.size))[0] != 0

    def post(self, frame: bytes, blob: bytes | None = None, link=None) -> None:
        """Write a frame into the mailbox, then ring the doorbell; with
        ``blob``, first write it into the buffer the last LOAD sized. A
        booter that sleeps while it waits is then woken: through the
        register its board names, or, where the port cannot write registers
        (QEMU's gdbstub), with one byte on ``link``, which the booter skips
        as it skips any byte before a start of frame."""
        with self.port.held():  # one pause of an emulator for all of it
            if blob is not None:
                buffer = self.blob_buffer()
                if buffer == 0:
                    raise ProtocolError("the booter acknowledged a LOAD but has no blob buffer")
                self.port.write(buffer, blob)
            self.port.write(self.address + FRAME_OFFSET, frame)
            self.port.write(self.address + DOORBELL_OFFSET, WORD.pack(1))
            if self.wake_address and self.port.writes_registers:
                self.port.write(self.wake_address, WORD.pack(self.wake_value))
        if self.wake_address and not self.port.writes_registers and link is not None:
            link.write(WAKE_BYTE)

    def blob_buffer(self) -> int:
        """Where the blob the last LOAD sized goes (0: none)."""
        return WORD.unpack(self.port.read(self.blob_ref, WORD.size))[0]


class MailboxClient(BooterClient):
    """A BooterClient that pushes blobs through the mailbox when it can."""

    def __init__(self, link, memory_port=None, memory_port_note: str = "", **options):
        super().__init__(link, **options)
        self.port = memory_port
        self.port_note = memory_port_note
        self.mailbox: Mailbox | None = None
        self.fallback = ""  # why blobs go over the UART, when they do

    def attach(self, info: DeviceInfo) -> None:
        """Find the mailbox the booter announced, or the reason there is none."""
        self.mailbox, self.fallback = None, ""
        try:
            if self.port is None:
                raise MailboxUnavailable(self.port_note or "no memory access port (debug probe) for this target")
            announced = info.get("mailbox")
            if not announced:
                raise MailboxUnavailable("the firmware announces no mailbox (built with MAILBOX=0, or not a "
                                         "bytecode-hil booter)")
            try:
                address = int(announced, 0)
            except ValueError:
                raise MailboxUnavailable(f"the firmware announces mailbox={announced}, not an address") from None
            self.mailbox = Mailbox(self.port, address)
        except MailboxUnavailable as exc:
            self.fallback = str(exc)

    def wait_ready(self, timeout: float) -> DeviceInfo:
        info = super().wait_ready(timeout)
        self.attach(info)
        return info

    def hello(self) -> DeviceInfo:
        info = super().hello()
        self.attach(info)
        return info

    def run(self, blob: bytes, timeout: float) -> RunRecord:
        if self.info is None:
            self.hello()
        if self.mailbox is None:
            record = super().run(blob, timeout)
            record.extra["push"] = "uart"
            return record
        info = self.info
        started = time.monotonic()
        flags, mac = 0, b""  # no run flag: RUN starts the run once the bytes are in
        if self._signing_key is not None:
            flags |= LOAD_SIGNED
            mac = hmac.new(self._signing_key, blob, hashlib.sha256).digest()
        dropped = self.decoder.dropped
        try:
            ack = self._post(LOAD, LOAD_HEADER.pack(len(blob), zlib.crc32(blob), flags) + mac, {ACK})
            if struct.unpack_from("<I", ack.payload)[0] != 0:
                raise ProtocolError(f"the booter answered a mailbox LOAD with ACK {ack.payload.hex()}, not 0")
            first = self._post(RUN, b"", {RUNNING, OUT, TRACE, STATUS}, retries=0, blob=blob)
        except MemoryPortError as exc:
            # A lost probe or a dead QEMU: the Device restarts the target.
            raise LinkClosed(f"the mailbox push failed: {exc.message}", via="debug probe") from None
        pushed = time.monotonic()
        if first.type != RUNNING:
            self.pending.insert(0, first)  # RUNNING was lost on the link; the run's frames came
        record = self._collect(first.seq, timeout, dropped)
        record.clock_hz = info.clock_hz
        record.wall_seconds = time.monotonic() - started
        record.retries = self.retries_used
        record.extra["push"] = "mailbox"
        record.extra["push_seconds"] = pushed - started
        return record

    def _post(self, type_: int, payload: bytes, accept: set[int], retries: int | None = None,
              blob: bytes | None = None) -> Frame:
        """Post a frame through the mailbox (the blob first, if given) until
        an answer of a type in ``accept`` (or ERR) comes."""
        def post(type_: int, payload: bytes) -> int:
            self.seq = (self.seq + 1) & 0xFF
            self.mailbox.post(encode_frame(type_, self.seq, payload), blob, self.link)
            return self.seq

        def unanswered() -> None:
            # A doorbell still set: the booter is not polling (it hangs).
            if self.mailbox.doorbell_rung():
                raise DeviceTimeout(f"the booter did not take frame type {type_:#x} from its mailbox "
                                    f"within {self.frame_timeout:g} s")

        return self._request(type_, payload, accept, retries, send=post, unanswered=unanswered,
                             via="mailbox ")


@transports.register("booter-mailbox")
class MailboxTransport(BooterTransport):
    uses_memory_port = True  # the Device asks the launcher for one
    _said: set = set()       # fallback notes already printed (once a process)

    def __init__(self, link, options: dict | None = None):
        self.client = MailboxClient(link, **(options or {}))

    def connect(self, timeout: float) -> DeviceInfo:
        info = super().connect(timeout)
        note = self.client.fallback
        if note and note not in self._said:
            self._said.add(note)
            print(f"bytecode-hil: mailbox push unavailable, pushing blobs over the UART: {note}", file=sys.stderr)
        return info

    @property
    def push(self) -> str:
        """How blobs are pushed now: mailbox or uart."""
        return "mailbox" if self.client.mailbox is not None else "uart"


def transport_for(transport: str, push: str | None) -> str:
    """The transport to use for ``push`` (uart, swd; None: the target's own)."""
    if not push:
        return transport
    if push not in PUSH_TRANSPORTS:
        raise ConfigError(f"unknown push method {push!r}", "use --push=uart or --push=swd")
    if transport not in PUSH_TRANSPORTS.values():
        raise ConfigError(f"--push={push} needs a target driven by the booter protocol; this one uses "
                          f"the {transport} transport")
    return PUSH_TRANSPORTS[push]
