// Board layer for QEMU's -M microbit, an nRF51822 (Cortex-M0). The byte link
// is UART0, read with the core asleep between bytes; TIMER0 is the cycle
// counter. Register offsets are from
// the nRF51 Series Reference Manual v3.0.
#include <stdint.h>

#include "cortex_m0.h"
#include "hil_board.h"
#include "hil_proto.h"

#ifndef HIL_BOARD_NAME
#define HIL_BOARD_NAME "qemu-microbit"
#endif

#define REG(addr) (*(volatile uint32_t *)(addr))

// UART0.
#define UART0 (0x40002000u)
#define UART_TASKS_STARTRX REG(UART0 + 0x000)
#define UART_TASKS_STARTTX REG(UART0 + 0x008)
#define UART_EVENTS_RXDRDY REG(UART0 + 0x108)
#define UART_EVENTS_TXDRDY REG(UART0 + 0x11C)
#define UART_INTENSET REG(UART0 + 0x304)
#define UART_INTENCLR REG(UART0 + 0x308)
#define UART_INT_RXDRDY (1u << 2)
#define UART_ENABLE REG(UART0 + 0x500)
#define UART_PSELTXD REG(UART0 + 0x50C)
#define UART_PSELRXD REG(UART0 + 0x514)
#define UART_RXD REG(UART0 + 0x518)
#define UART_TXD REG(UART0 + 0x51C)
#define UART_BAUDRATE REG(UART0 + 0x524)
#define UART_ENABLE_ON (4)
#define UART_BAUD_115200 (0x01D7E000u)
#define UART0_IRQ (2)
#define MICROBIT_PIN_TX (24) // the micro:bit's USB serial pins; QEMU ignores them
#define MICROBIT_PIN_RX (25)

// TIMER0.
#define TIMER0 (0x40008000u)
#define TIMER_TASKS_START REG(TIMER0 + 0x000)
#define TIMER_TASKS_STOP REG(TIMER0 + 0x004)
#define TIMER_TASKS_CLEAR REG(TIMER0 + 0x00C)
#define TIMER_TASKS_CAPTURE(n) REG(TIMER0 + 0x040 + 4 * (n))
#define TIMER_EVENTS_COMPARE(n) REG(TIMER0 + 0x140 + 4 * (n))
#define TIMER_INTENSET REG(TIMER0 + 0x304)
#define TIMER_MODE REG(TIMER0 + 0x504)
#define TIMER_BITMODE REG(TIMER0 + 0x508)
#define TIMER_PRESCALER REG(TIMER0 + 0x510)
#define TIMER_CC(n) REG(TIMER0 + 0x540 + 4 * (n))
#define TIMER_MODE_TIMER (0)
#define TIMER_BITMODE_32 (3)
#define TIMER_INTEN_COMPARE(n) (1u << (16 + (n)))
#define TIMER_HZ (16000000u) // the 16 MHz HFCLK with prescaler 0
#define TIMER0_IRQ (8)
#define CC_GUARD (0) // compare at half the range: see the cycle counter below
#define CC_CAPTURE (3)

// Cortex-M0 system control.
#define NVIC_ISER REG(0xE000E100u)
#define NVIC_ISPR REG(0xE000E200u)
#define NVIC_ICPR REG(0xE000E280u)


// --- Byte link ---------------------------------------------------------------

static void uart_init(void) {
    UART_PSELTXD = MICROBIT_PIN_TX;
    UART_PSELRXD = MICROBIT_PIN_RX;
    UART_BAUDRATE = UART_BAUD_115200;
    UART_ENABLE = UART_ENABLE_ON;
    UART_TASKS_STARTTX = 1;
    UART_TASKS_STARTRX = 1;
    // Enabled in the NVIC only to wake WFI in hil_board_idle(); a probe
    // pends it to wake the booter after ringing the mailbox's doorbell.
    NVIC_ISER = 1u << UART0_IRQ;
}

// The UART interrupt, taken only when a probe pended it while the core was
// awake: the wake-up it stands for needs no work.
void board_uart0_irq(void) {
}

const uint32_t hil_board_wake[2] = {(uint32_t)&NVIC_ISPR, 1u << UART0_IRQ};

// Waiting for the host, the core sleeps instead of spinning on RXDRDY: an
// idle QEMU then leaves its host core to the harness and, under
// pytest-xdist, to the other worker's QEMU (a spinning one takes a whole
// core). WFI wakes on a pending interrupt even with PRIMASK set, so the
// UART's interrupt only ends the sleep; it is cleared before PRIMASK is
// restored, and a timer interrupt that woke the core runs then.
void hil_board_idle(void) {
    uint32_t primask = irq_save();
    UART_INTENSET = UART_INT_RXDRDY;
    if (!UART_EVENTS_RXDRDY) { // a byte that came meanwhile pends the interrupt: WFI returns at once
        __asm volatile ("wfi" : : : "memory");
    }
    UART_INTENCLR = UART_INT_RXDRDY;
    NVIC_ICPR = 1u << UART0_IRQ;
    irq_restore(primask);
}

int hil_board_getc(void) {
    while (!UART_EVENTS_RXDRDY) {
        hil_board_idle();
    }
    // Clear the event before reading: reading RXD raises it again at once
    // when more bytes are waiting in the receiver.
    UART_EVENTS_RXDRDY = 0;
    return (uint8_t)UART_RXD;
}

int hil_board_rx_ready(void) {
    return UART_EVENTS_RXDRDY != 0;
}

// QEMU ignores the baud rate and raises TXDRDY as soon as its character
// backend has taken the byte, so waiting on TXDRDY is as fast as TX can go.
void hil_board_write(const uint8_t *data, size_t len) {
    while (len--) {
        UART_TXD = *data++;
        while (!UART_EVENTS_TXDRDY) {
        }
        UART_EVENTS_TXDRDY = 0;
    }
}

// --- Cycle counter -----------------------------------------------------------
// Each reading adds the ticks counted since the previous one to a 64-bit
// total and restarts TIMER0 from zero. The restart is for QEMU: under -icount
// a tick (62.5 ns) is not a whole number of instructions (2^N ns each), so
// without it the tick phase at a reading would depend on how long the booter
// had waited for the UART, and a run's cycles would vary by one. Restarted at each
// reading, the ticks between two readings depend only on the instructions
// between them. It loses under a tick of absolute time per reading, which
// nothing uses. The compare interrupt reads the timer if the firmware has not
// for half its 32-bit range (134 s), so the count never wraps unseen.

static uint64_t cycles_total;

static void timer_init(void) {
    TIMER_TASKS_STOP = 1;
    TIMER_MODE = TIMER_MODE_TIMER;
    TIMER_BITMODE = TIMER_BITMODE_32;
    TIMER_PRESCALER = 0;
    TIMER_CC(CC_GUARD) = 0x80000000u;
    TIMER_INTENSET = TIMER_INTEN_COMPARE(CC_GUARD);
    NVIC_ISER = 1u << TIMER0_IRQ;
    TIMER_TASKS_CLEAR = 1;
    TIMER_TASKS_START = 1;
}

uint64_t hil_board_cycles(void) {
    // The interrupt handler reads the timer too: keep it out meanwhile.
    uint32_t primask = irq_save();
    TIMER_TASKS_CAPTURE(CC_CAPTURE) = 1;
    TIMER_TASKS_CLEAR = 1;
    cycles_total += TIMER_CC(CC_CAPTURE);
    uint64_t cycles = cycles_total;
    irq_restore(primask);
    return cycles;
}

void board_timer0_irq(void) {
    TIMER_EVENTS_COMPARE(CC_GUARD) = 0;
    (void)hil_board_cycles();
}

uint32_t hil_board_clock_hz(void) {
    return TIMER_HZ;
}

// --- Reset and faults --------------------------------------------------------

void hil_board_reset(void) {
    cortex_m0_system_reset();
}

// --- Board facts and init ----------------------------------------------------

const char *hil_board_name(void) {
    return HIL_BOARD_NAME;
}

void board_init(void) {
    uart_init();
    timer_init();
}
