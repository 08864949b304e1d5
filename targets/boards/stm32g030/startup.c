// Start-up for the STM32G030 (Cortex-M0+): the vector table and the reset
// handler, which prepares RAM for C and starts the booter.
#include <stdint.h>

#include "hil_board.h"
#include "hil_proto.h"

// From the linker script (firmware.ld.in).
extern uint32_t _estack[], _sidata[], _sdata[], _edata[], _sbss[], _ebss[];

// From board.c.
void board_init(void);
void board_fault_handler(void);
void board_systick_irq(void);

void board_reset_handler(void);

// Cortex-M0+ system exceptions plus the 32 interrupt lines of the STM32G0
// (the G030 leaves some unused).
#define VECTOR_COUNT (16 + 32)
#define SYSTICK_EXCEPTION (15)

typedef void (*vector_t)(void);

// Every exception the firmware does not use goes to the fault handler: a
// stray interrupt is as much a bug as a bad memory access, and the host
// hears about either through the running case's status.
__attribute__((section(".vectors"), used))
static const vector_t vectors[VECTOR_COUNT] = {
    [0] = (vector_t)(uintptr_t)_estack, // initial SP (the stack grows down from here)
    [1] = board_reset_handler,
    [2 ... SYSTICK_EXCEPTION - 1] = board_fault_handler,
    [SYSTICK_EXCEPTION] = board_systick_irq,
    [SYSTICK_EXCEPTION + 1 ... VECTOR_COUNT - 1] = board_fault_handler,
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
    hil_booter_main();
    // The booter serves forever; should it ever return, start afresh.
    hil_board_reset();
}
