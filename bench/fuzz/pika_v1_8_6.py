"""PikaScript core 1.8.6's layouts in the fuzzer's model (bench/fuzz/pika.py),
as its packer (PikaCompiler.c at 71364445e) writes them and its VM side's
checks (targets/pikascript/v1.8.6/blob.c) read them; the harness's own
reading is harness/vms/pikascript/formats_v1_8_6.py.

- ``.py.o``: no magic and no total size: u16 instruction bytes, the
  instructions, u16 pool size, the pool.
- ``.py.a``: a 32-byte header {magic ``7f 'pya'``, u32 version 1, u32 module
  count, zeros}, a 32-byte entry per module (its name NUL-padded in 28 bytes,
  the size of its code rounded up to 4 in the last four), then each module's
  .py.o padded to 4.

The u16 sizes make a module's instructions and its pool at most 65,535 bytes
each; the fuzzer's blobs are far smaller.
"""

from __future__ import annotations

import struct

from harness.vms.pikascript.formats_v1_8_6 import ENTRY, PYA_HEADER, PYA_MAGIC

from .pika import U32, Blob, Code, Field, Layout

U16 = struct.Struct("<H")
VERSION = 1


class Layout186(Layout):
    core = "1.8.6"
    opcodes = 32              # the core's table has 23 (blob.c refuses the rest)
    pya_prefix = PYA_MAGIC

    def name_max(self, blob: Blob) -> int:
        return ENTRY - 5

    def encode_code(self, code: Code) -> bytes:
        ins = b"".join(code.instructions)
        return U16.pack(len(ins) & 0xFFFF) + ins + U16.pack(len(code.pool) & 0xFFFF) + code.pool

    def parse_code(self, data: bytes, padded: bool = False) -> Code | None:
        """A module's code, if its sizes hold (``padded``: up to 3 zero bytes after it)."""
        if len(data) < 4:
            return None
        ins = U16.unpack_from(data)[0]
        if ins % 4 or 4 + ins > len(data):
            return None
        pool = U16.unpack_from(data, 2 + ins)[0]
        spare = data[4 + ins + pool:]
        if 4 + ins + pool > len(data) or len(spare) > (3 if padded else 0) or any(spare):
            return None
        return Code([data[2 + i:6 + i] for i in range(0, ins, 4)], data[4 + ins:4 + ins + pool])

    def code_fields(self, code: Code, at: int) -> list[Field]:
        return [Field(at, 2), Field(at + 2 + 4 * len(code.instructions), 2)]

    def encode(self, blob: Blob) -> bytes:
        if blob.kind == "pyo":
            return self.encode_code(blob.modules[0][1])
        index, bodies = b"", b""
        for name, code in blob.modules:
            body = self.encode_code(code)
            body += bytes(-len(body) % 4)
            raw = name.encode()[:self.name_max(blob)]
            index += raw + bytes(ENTRY - 4 - len(raw)) + U32.pack(len(body))
            bodies += body
        head = PYA_HEADER.pack(PYA_MAGIC, blob.version, len(blob.modules))
        return head + bytes(ENTRY - len(head)) + index + bodies

    def parse(self, data: bytes) -> Blob | None:
        if not data.startswith(PYA_MAGIC):
            code = self.parse_code(data)
            return Blob("pyo", self, [("main", code)]) if code else None
        if len(data) < ENTRY or any(data[PYA_HEADER.size:ENTRY]):
            return None
        _, version, count = PYA_HEADER.unpack_from(data)
        if not 0 < count <= 255 or ENTRY * (count + 1) > len(data):
            return None
        modules, at = [], ENTRY * (count + 1)
        for i in range(count):
            entry = data[ENTRY * (i + 1):ENTRY * (i + 2)]
            size = U32.unpack_from(entry, ENTRY - 4)[0]
            code = self.parse_code(data[at:at + size], padded=True) if size % 4 == 0 else None
            if code is None:
                return None
            name = entry[:ENTRY - 4].split(b"\0")[0]
            if entry[len(name):ENTRY - 4] != bytes(ENTRY - 4 - len(name)):
                return None   # bytes after the name: not what the packer writes
            modules.append((name.decode("latin-1"), code))
            at += size
        return Blob("pya", self, modules, version, ENTRY) if at == len(data) else None

    def fields(self, blob: Blob) -> list[Field]:
        if blob.kind == "pyo":
            return self.code_fields(blob.modules[0][1], 0)
        found = [Field(4, 4), Field(8, 4)]       # version, module count
        at = ENTRY * (len(blob.modules) + 1)
        for i, (_, code) in enumerate(blob.modules):
            found.append(Field(ENTRY * (i + 2) - 4, 4))
            found += self.code_fields(code, at)
            at += (len(self.encode_code(code)) + 3) & ~3
        return found

    def name_spans(self, blob: Blob) -> list[tuple[int, int]]:
        return [(ENTRY * (i + 1), ENTRY - 4) for i in range(len(blob.modules))]

    def new_library(self, modules: list[tuple[str, Code]]) -> Blob:
        return Blob("pya", self, modules, VERSION, ENTRY)


V1_8_6 = Layout186()
