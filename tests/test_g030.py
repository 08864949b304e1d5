"""The real STM32G030 target's firmware, checked without the board: it builds
through the harness, fits, boots from flash, and is built exactly like its
emulated twin qemu-g030 (same configuration, heap, stack limit, chunk)."""

from __future__ import annotations

import re
import struct

import pytest

from harness.footprint import measure
from harness.targets import load_target

FLASH = 0x08000000
RAM = 0x20000000
STACK_HEADROOM = 768  # boards/stm32g030/board.mk, as boards/qemu-microbit/board.mk
USART1, USART2 = 0x40013800, 0x40004400

pytestmark = pytest.mark.integration  # builds firmware


def build(toolchain, name, **make):
    target = load_target(name)
    return target, toolchain.profile.build_firmware(target, toolchain.source, toolchain.cache,
                                                    make_overrides=make or None)


@pytest.fixture(scope="module")
def g030(toolchain):
    return build(toolchain, "g030")


@pytest.fixture(scope="module")
def twin(toolchain):
    return build(toolchain, "qemu-g030")


def image(result) -> bytes:
    return result.product.with_suffix(".bin").read_bytes()


def info_head(data: bytes) -> str:
    """The VM part of the INFO line, as the firmware keeps it in flash."""
    return re.search(rb"vm=micropython [ -~]*?(?=\0)", data).group().decode()


def booter_part(data: bytes) -> str:
    return re.search(rb" proto=\d+ chunk=\d+ build=", data).group().decode()


def test_builds_and_fits_its_budget(g030):
    target, result = g030
    fp = measure(result.product)
    assert fp.check(target.name, target.memory) == []
    assert fp.flash <= 65536 and fp.ram + fp.stack == 8192
    stack_limit = int(re.search(r"stack_limit=(\d+)", info_head(image(result))).group(1))
    assert fp.stack >= stack_limit + STACK_HEADROOM
    for suffix in (".bin", ".hex"):
        assert result.product.with_suffix(suffix).stat().st_size > 0
    # The hex file places the image at the flash, not at 0.
    assert result.product.with_suffix(".hex").read_text().startswith(":020000040800F2")


def test_vector_table_boots_from_flash(g030):
    _, result = g030
    data = image(result)
    assert len(data) == measure(result.product).flash  # the .bin is the flash image from 0x08000000
    vectors = struct.unpack_from("<48I", data)
    sp, reset = vectors[:2]
    # Stack at the bottom of RAM (an overflow faults instead of corrupting
    # the heap): the initial SP is the top of the stack area, 8-aligned.
    assert sp == RAM + measure(result.product).stack and sp % 8 == 0
    for vector in vectors[1:]:
        assert vector & 1, "Thumb bit"
        assert FLASH <= vector < FLASH + len(data)
    assert FLASH <= reset < FLASH + len(data)
    hardfault, systick = vectors[3], vectors[15]
    assert systick != hardfault
    assert set(vectors[2:15]) == {hardfault} and set(vectors[16:]) == {hardfault}


def test_same_configuration_as_qemu_g030(g030, twin):
    (_, real), (_, emulated) = g030, twin
    real_head, twin_head = info_head(image(real)), info_head(image(emulated))
    assert real_head == twin_head
    assert "config=g030 heap=5120 stack_limit=1280 compiler=0 features=core" in real_head
    assert booter_part(image(real)) == booter_part(image(emulated)) == " proto=1 chunk=256 build="
    assert f"build={real.build_id}".encode() in image(real)
    assert b"stm32g030\0" in image(real)
    real_fp, twin_fp = measure(real.product), measure(emulated.product)
    assert real_fp.bss == twin_fp.bss and real_fp.data == twin_fp.data == 0


def usart_bases(data: bytes) -> set[int]:
    words = set(struct.unpack_from(f"<{len(data) // 4}I", data))
    return {base for base in (USART1, USART2) if base in words}


def test_usart1_by_default_usart2_on_request(toolchain, g030):
    assert usart_bases(image(g030[1])) == {USART1}
    _, usart2 = build(toolchain, "g030", UART="2")
    assert usart_bases(image(usart2)) == {USART2}
    assert usart2.build_id != g030[1].build_id


# --- The firmware on an emulated G030 ---------------------------------------
# Unicorn runs the Cortex-M0 code; a model of the few G030 registers the
# board layer touches (RM0454 reset values and behaviour) checks the bring-up
# order and values, and carries the booter protocol through USART1 to the
# harness's own BooterClient. It has no interrupts or faults (Unicorn does
# not emulate the NVIC), so SysTick's wrap and the HardFault path are left to
# the hardware.

class G030Model:
    """The G030's registers the board layer uses, around the CPU, and a
    byte link (write, read) to its USART1 for BooterClient."""

    FLASH_ACR, RCC_CR, RCC_CFGR, RCC_PLLCFGR = 0x40022000, 0x40021000, 0x40021008, 0x4002100C
    GPIOA_MODER, GPIOA_PUPDR, GPIOA_AFRH = 0x50000000, 0x5000000C, 0x50000024
    SYST_CVR, SCB_AIRCR = 0xE000E018, 0xE000ED0C
    SLICE = 20_000_000  # instructions per read: far more than any answer here takes

    def __init__(self, firmware: bytes):
        from unicorn import UC_ARCH_ARM, UC_MODE_MCLASS, UC_MODE_THUMB, Uc, arm_const

        from harness.transports.booter import FrameDecoder

        self.regs = {self.RCC_CR: 0x00000500, self.GPIOA_MODER: 0xEBFFFFFF, self.GPIOA_PUPDR: 0x24000000,
                     self.FLASH_ACR: 0x00040600}
        self.writes: list[tuple[int, int]] = []
        self.incoming = bytearray()   # host to board, read from RDR
        self.outgoing = bytearray()   # board to host, written to TDR
        self.overrun = False
        self.decoder = FrameDecoder()
        self.sysclk_at_first_tx = None
        self.uc = uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        uc.ctl_set_cpu_model(arm_const.UC_CPU_ARM_CORTEX_M0)
        uc.mem_map(FLASH, 0x10000)
        uc.mem_write(FLASH, firmware)
        uc.mem_map(RAM, 0x2000)
        for base, size in ((0x40000000, 0x30000), (0x50000000, 0x2000), (0xE000E000, 0x1000)):
            uc.mmio_map(base, size, self._read, base, self._write, base)
        sp, self.pc = struct.unpack_from("<II", firmware)
        uc.reg_write(arm_const.UC_ARM_REG_SP, sp)
        self.pc_reg = arm_const.UC_ARM_REG_PC

    def sysclk(self) -> float:
        if (self.regs.get(self.RCC_CFGR, 0) & 7) != 2:
            return 16e6
        pll = self.regs[self.RCC_PLLCFGR]
        assert pll & 3 == 2, "PLL source HSI16"
        m, n, r = ((pll >> 4) & 7) + 1, (pll >> 8) & 0x7F, (pll >> 29) + 1
        return 16e6 / m * n / r

    def _read(self, uc, offset, size, base):
        address = base + offset
        if address == USART1 + 0x1C:  # ISR: TXE, TC; RXNE unless an overrun blocks it
            rxne = bool(self.incoming) and not self.overrun
            return 0xC0 | (0x20 if rxne else 0) | (0x08 if self.overrun else 0)
        if address == USART1 + 0x24:
            return self.incoming.pop(0)
        if address == self.RCC_CR:
            value = self.regs[address]
            return value | (1 << 25 if value & 1 << 24 else 0)  # PLLRDY follows PLLON
        if address == self.RCC_CFGR:
            value = self.regs.get(address, 0)
            return (value & ~0x38) | (value & 7) << 3  # SWS follows SW
        if address == self.SYST_CVR:
            self.regs[address] = (self.regs.get(address, 0xFFFFFF) - 997) & 0xFFFFFF
            return self.regs[address]
        return self.regs.get(address, 0)

    def _write(self, uc, offset, size, value, base):
        address = base + offset
        self.writes.append((address, value))
        if address == USART1 + 0x28:
            if self.sysclk_at_first_tx is None:
                self.sysclk_at_first_tx = self.sysclk()
            self.outgoing.append(value & 0xFF)
            if self.decoder.feed(bytes([value & 0xFF])):
                uc.emu_stop()  # a whole frame: let the host read it
            return
        if address == USART1 + 0x20 and value & 0x08:
            self.overrun = False
        if address == self.SCB_AIRCR:
            uc.emu_stop()
        if address == self.RCC_CFGR and value & 7 == 2:
            assert self.regs[self.FLASH_ACR] & 7 == 2, "2 wait states before 64 MHz"
            assert self.regs[self.RCC_CR] & 1 << 24, "PLL on before the switch"
        if address == self.RCC_PLLCFGR:
            assert not self.regs[self.RCC_CR] & 1 << 24, "PLL configured while off"
        self.regs[address] = value

    # The link BooterClient talks through.
    def write(self, data: bytes) -> None:
        self.incoming += data

    def read(self, size: int, timeout: float) -> bytes:
        if not self.outgoing:
            self.uc.emu_start(self.pc | 1, FLASH + 0x10000, count=self.SLICE)
            self.pc = self.uc.reg_read(self.pc_reg)
        data = bytes(self.outgoing[:size])
        del self.outgoing[:size]
        return data

    def close(self) -> None:
        pass


@pytest.fixture
def emulated(g030):
    pytest.importorskip("unicorn")
    from harness.transports.booter import BooterClient

    board = G030Model(image(g030[1]))
    board.client = BooterClient(board)
    board.info = board.client.wait_ready(1.0)
    return board


def test_bring_up_on_the_register_model(emulated):
    board = emulated
    regs = board.regs
    assert board.sysclk_at_first_tx == 64e6
    assert regs[USART1 + 0x0C] == 556                 # BRR: 64 MHz / 115200
    assert regs[USART1 + 0x00] & 0b1101 == 0b1101     # UE, RE, TE
    moder = regs[board.GPIOA_MODER]
    assert (moder >> 18) & 3 == 2 and (moder >> 20) & 3 == 2    # PA9, PA10: alternate function
    assert moder >> 26 == 0xEBFFFFFF >> 26                      # PA13, PA14 (SWD) untouched
    assert (regs[board.GPIOA_AFRH] >> 4) & 15 == 1 and (regs[board.GPIOA_AFRH] >> 8) & 15 == 1  # AF1
    assert (regs[board.GPIOA_PUPDR] >> 20) & 3 == 1             # pull-up on RX
    assert regs[0xE000E010] == 0b111 and regs[0xE000E014] == 0xFFFFFF  # SysTick: CPU clock, interrupt, on
    info = board.info
    assert info.get("board") == "stm32g030" and info.clock_hz == 64_000_000
    assert info.get("config") == "g030" and info.heap == 5120 and info.chunk == 256


def test_runs_programs_over_usart1(emulated, toolchain):
    board = emulated

    def run(source: str):
        return board.client.run(toolchain.compiler.compile(source.encode(), "emu.py"), 1.0)

    record = run("print(6 * 7, 'x' * 3)\n")
    assert record.status == "ok" and record.output == b"42 xxx\n"
    assert record.run_cycles > 0 and record.stack_peak > 0
    record = run("d = {str(i): i for i in range(40)}\nprint(len(d), sum(d.values()))\n")
    assert record.status == "ok" and record.output == b"40 780\n" and record.heap_peak > 1024
    record = run("def f(n):\n    raise ValueError(n)\nf(3)\n")
    assert record.status == "exception" and record.trace.endswith("ValueError: 3\n")
    # A blob over several DATA frames.
    record = run("".join(f"v{i} = {i}\n" for i in range(60)) + "print(v59 + v1)\n")
    assert record.status == "ok" and record.output == b"60\n"
    # An overrun (a byte lost while the booter was busy) must not stop the receiver.
    board.overrun = True
    assert board.client.hello().get("board") == "stm32g030"
    assert (USART1 + 0x20, 0x0F) in board.writes  # ICR: ORECF and the other error flags
