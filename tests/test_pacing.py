"""A link paced as a UART at a baud rate (harness/device/pacing.py), on a
fake clock: what it waits is the bytes' time at that rate, either way."""

import pytest

from harness.device import pacing
from harness.errors import ConfigError


class Clock:
    def __init__(self):
        self.now = 100.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0
        self.now += seconds


class Link:
    def __init__(self, incoming):
        self.incoming = list(incoming)
        self.written = b""

    def write(self, data):
        self.written += data

    def read(self, size, timeout):
        return self.incoming.pop(0) if self.incoming else b""

    def close(self):
        self.closed = True


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(pacing, "time", fake)
    return fake


def test_writing_takes_ten_bit_times_a_byte(clock):
    link = pacing.PacedLink(Link([]), 115200)
    link.write(b"x" * 1152)
    assert clock.now - 100.0 == pytest.approx(0.1)
    assert link.link.written == b"x" * 1152


def test_reading_delivers_no_faster_than_the_rate_and_a_quiet_spell_is_not_credited(clock):
    link = pacing.PacedLink(Link([b"a" * 960, b"b" * 960, b"", b"c" * 96]), 9600)
    assert link.read(4096, 1.0) == b"a" * 960
    assert clock.now - 100.0 == pytest.approx(1.0)
    link.read(4096, 1.0)
    assert clock.now - 100.0 == pytest.approx(2.0)
    assert link.read(4096, 1.0) == b""   # nothing came: no wait
    clock.now += 5.0                     # the device was quiet meanwhile
    link.read(4096, 1.0)
    assert clock.now - 107.0 == pytest.approx(0.1)


def test_the_wrapped_links_other_methods_pass_through(clock):
    link = pacing.PacedLink(Link([]), 115200)
    link.close()
    assert link.link.closed


def test_a_target_names_a_positive_baud_rate(tmp_path, monkeypatch):
    from harness.targets import load_target

    folder = tmp_path / "targets" / "paced"
    folder.mkdir(parents=True)
    base = load_target("qemu-g030").path.read_text().replace('name = "qemu-g030"', 'name = "paced"')
    monkeypatch.setenv("HIL_TARGETS", str(tmp_path / "targets"))
    (folder / "target.toml").write_text(base + "link_baud = 115200\n")
    assert load_target("paced").link_baud == 115200
    (folder / "target.toml").write_text(base + "link_baud = -5\n")
    with pytest.raises(ConfigError, match="link_baud must be a positive baud rate"):
        load_target("paced")
