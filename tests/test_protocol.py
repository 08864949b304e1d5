"""The host side of the loader protocol: frames, noise, corruption, INFO."""

import struct
import zlib

import pytest

from harness.device.info import DeviceInfo
from harness.errors import DeviceRejected, DeviceTimeout, LinkCorrupted
from harness.transports import booter as p


def test_frame_round_trip():
    raw = p.encode_frame(p.OUT, 7, b"hello")
    assert raw[0] == p.SOF and raw[1] == p.VERSION
    frames = p.FrameDecoder().feed(raw)
    assert frames == [p.Frame(p.OUT, 7, b"hello")]


def test_decoder_skips_noise_and_split_frames():
    raw = p.encode_frame(p.ACK, 1, struct.pack("<I", 42))
    dec = p.FrameDecoder()
    assert dec.feed(b"boot noise \xa5\x00" + raw[:5]) == []
    assert dec.feed(raw[5:]) == [p.Frame(p.ACK, 1, struct.pack("<I", 42))]
    assert dec.dropped > 0


def test_decoder_drops_corrupt_frame_and_keeps_the_next():
    bad = bytearray(p.encode_frame(p.OUT, 1, b"abc"))
    bad[7] ^= 0xFF
    good = p.encode_frame(p.OUT, 2, b"def")
    assert p.FrameDecoder().feed(bytes(bad) + good) == [p.Frame(p.OUT, 2, b"def")]


def test_decoder_rejects_other_protocol_versions():
    header = struct.pack("<BBBBH", p.SOF, 2, p.OUT, 1, 1) + b"x"
    raw = header + struct.pack("<I", zlib.crc32(header[1:]))
    assert p.FrameDecoder().feed(raw) == []


def test_crc_matches_zlib():
    raw = p.encode_frame(p.HELLO, 3)
    (crc,) = struct.unpack("<I", raw[-4:])
    assert crc == zlib.crc32(raw[1:-4])


def test_payload_too_large_is_refused():
    with pytest.raises(ValueError):
        p.encode_frame(p.DATA, 0, bytes(70000))


def test_device_info_parse():
    info = DeviceInfo.parse(b"vm=micropython heap=5632 chunk=256 clock=16000000 "
                              b"features=core,bigint,module:sys build=abc")
    assert info.heap == 5632 and info.chunk == 256 and info.clock_hz == 16000000
    assert info.features == {"core", "bigint", "module:sys"}
    assert info.build_id == "abc"
    assert DeviceInfo.parse(b"heap=lots").heap == 0


class ScriptedLink:
    """A link whose device side is a list of canned replies, one per write."""

    def __init__(self, replies):
        self.replies = list(replies)
        self.sent = []
        self.buffer = b""

    def write(self, data):
        self.sent.append(data)
        if self.replies:
            self.buffer += self.replies.pop(0)

    def read(self, size, timeout):
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def close(self):
        pass


def status_frame(seq, code=0, out_len=3):
    return p.encode_frame(p.STATUS, seq, p.STATUS_RECORD.pack(code, 1000, 10, 64, 128, 0, 0, out_len, 0))


def test_client_resends_after_a_lost_answer():
    info = p.encode_frame(p.INFO, 0, b"chunk=256 clock=1000")
    link = ScriptedLink([b"", p.encode_frame(p.RUNNING, 2) + p.encode_frame(p.OUT, 2, b"hi\n") + status_frame(2)])
    link.buffer = info
    client = p.BooterClient(link, frame_timeout=0.05)
    client.wait_ready(1)
    record = client.run(b"M\x06\x00\x1f", timeout=1)
    assert record.status == "ok" and record.output == b"hi\n"
    assert record.retries == 1 and len(link.sent) == 2
    assert record.run_seconds == pytest.approx(1.0)


def test_client_notices_output_lost_on_the_link():
    garbled = bytearray(p.encode_frame(p.OUT, 1, b"lost line\n"))
    garbled[8] ^= 0x40
    link = ScriptedLink([p.encode_frame(p.RUNNING, 1) + p.encode_frame(p.OUT, 1, b"hi\n") + bytes(garbled)
                         + status_frame(1, out_len=13)])
    link.buffer = p.encode_frame(p.INFO, 0, b"chunk=256")
    client = p.BooterClient(link, frame_timeout=0.05)
    client.wait_ready(1)
    with pytest.raises(LinkCorrupted, match="13 bytes of output.*3 .* arrived intact"):
        client.run(b"M\x06\x00\x1f", timeout=1)


def test_client_reports_device_rejection():
    link = ScriptedLink([p.encode_frame(p.ERR, 1, b"\x04blob larger than blob_max")])
    link.buffer = p.encode_frame(p.INFO, 0, b"chunk=256")
    client = p.BooterClient(link, frame_timeout=0.05)
    client.wait_ready(1)
    with pytest.raises(DeviceRejected) as exc:
        client.run(bytes(10), timeout=1)
    assert exc.value.name == "oversize"


def test_client_times_out_when_the_device_is_silent():
    link = ScriptedLink([])
    link.buffer = p.encode_frame(p.INFO, 0, b"chunk=256")
    client = p.BooterClient(link, frame_timeout=0.01, retries=2)
    client.wait_ready(1)
    with pytest.raises(DeviceTimeout):
        client.run(bytes(10), timeout=1)
    assert len(link.sent) == 3
