// The vector table of the nRF51822 (Cortex-M0) of QEMU's -M microbit. The
// reset and fault handlers are common/cortex_m0.c's.
#include <stdint.h>

#include "cortex_m0.h"
#include "hil_board.h"
#include "hil_proto.h"

// From board.c.
void board_timer0_irq(void);
void board_uart0_irq(void);

// Cortex-M0 system exceptions plus the nRF51's 26 peripheral interrupts.
#define VECTOR_COUNT (16 + 26)
#define UART0_IRQ (2)
#define TIMER0_IRQ (8)

typedef void (*vector_t)(void);

// Every exception the firmware does not use goes to the fault handler: a
// stray interrupt is as much a bug as a bad memory access, and the host
// hears about either through the running case's status.
__attribute__((section(".vectors"), used))
static const vector_t vectors[VECTOR_COUNT] = {
    [0] = (vector_t)(uintptr_t)_estack, // initial SP (the stack grows down from here)
    [1] = board_reset_handler,
    [2 ... 16 + UART0_IRQ - 1] = board_fault_handler,
    [16 + UART0_IRQ] = board_uart0_irq, // a probe's wake-up (board.c)
    [16 + UART0_IRQ + 1 ... 16 + TIMER0_IRQ - 1] = board_fault_handler,
    [16 + TIMER0_IRQ] = board_timer0_irq,
    [16 + TIMER0_IRQ + 1 ... VECTOR_COUNT - 1] = board_fault_handler,
};
