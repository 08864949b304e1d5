// Start-up for the nRF51822 (Cortex-M0) of QEMU's -M microbit: the vector
// table and the reset handler, which prepares RAM for C and starts the
// application: the booter, or with APP=repl (port.mk) MicroPython's REPL.
#include <stdint.h>

#include "hil_board.h"
#include "hil_proto.h"

// From the linker script (firmware.ld.in).
extern uint32_t _estack[], _sidata[], _sdata[], _edata[], _sbss[], _ebss[];

// From board.c.
void board_init(void);
void board_fault_handler(void);
void board_timer0_irq(void);

void board_reset_handler(void);

#if HIL_APP_REPL
void hil_repl_main(void); // micropython/repl_main.c
#define hil_app_main hil_repl_main
#else
#define hil_app_main hil_booter_main
#endif

// Cortex-M0 system exceptions plus the nRF51's 26 peripheral interrupts.
#define VECTOR_COUNT (16 + 26)
#define TIMER0_IRQ (8)

typedef void (*vector_t)(void);

// Every exception the firmware does not use goes to the fault handler: a
// stray interrupt is as much a bug as a bad memory access, and the host
// hears about either through the running case's status.
__attribute__((section(".vectors"), used))
static const vector_t vectors[VECTOR_COUNT] = {
    [0] = (vector_t)(uintptr_t)_estack, // initial SP (the stack grows down from here)
    [1] = board_reset_handler,
    [2 ... 16 + TIMER0_IRQ - 1] = board_fault_handler,
    [16 + TIMER0_IRQ] = board_timer0_irq,
    [16 + TIMER0_IRQ + 1 ... VECTOR_COUNT - 1] = board_fault_handler,
};

void board_reset_handler(void) {
    // .data and .bss are set up with plain loops over words: memcpy and
    // memset come from newlib, which may itself keep state in .data.
    const uint32_t *src = _sidata;
    for (uint32_t *dst = _sdata; dst < _edata; dst++) {
        *dst = *src++;
    }
    for (uint32_t *dst = _sbss; dst < _ebss; dst++) {
        *dst = 0;
    }
    board_init();
    hil_app_main();
    // The application serves forever; should it ever return, start afresh.
    hil_board_reset();
}
