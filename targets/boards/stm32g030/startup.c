// The vector table of the STM32G030 (Cortex-M0+). The reset and fault
// handlers are common/cortex_m0.c's.
#include <stdint.h>

#include "cortex_m0.h"
#include "hil_board.h"
#include "hil_proto.h"

// From board.c.
void board_systick_irq(void);

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
