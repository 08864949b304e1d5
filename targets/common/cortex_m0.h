// What every Cortex-M0/M0+ board layer shares: reset, the fault handler, the
// stack watermark and the C start-up. The board keeps its vector table,
// peripherals and hil_board_reset() (which may first drain its UART).
#ifndef HIL_CORTEX_M0_H
#define HIL_CORTEX_M0_H

#include <stdint.h>

// From the linker script: the stack area (at the bottom of RAM) and the data.
extern uint32_t _sstack[], _estack[], _sidata[], _sdata[], _edata[], _sbss[], _ebss[];

// Mask interrupts, returning the previous mask for irq_restore().
static inline uint32_t irq_save(void) {
    uint32_t primask;
    __asm volatile ("mrs %0, primask\n cpsid i" : "=r" (primask) : : "memory");
    return primask;
}

static inline void irq_restore(uint32_t primask) {
    __asm volatile ("msr primask, %0" : : "r" (primask) : "memory");
}

// Provided by the board.
void board_init(void);

// Provided here.
void cortex_m0_system_reset(void) __attribute__((noreturn));
void board_reset_handler(void); // vector 1: prepares RAM, board_init(), the application
void board_fault_handler(void); // HardFault and every unused exception

#endif // HIL_CORTEX_M0_H
