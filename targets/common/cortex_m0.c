// Shared Cortex-M0/M0+ board code (cortex_m0.h). The firmware runs on the
// main stack only, and the stack sits at the bottom of RAM (see the boards'
// firmware.ld.in), so an overflow faults instead of corrupting the heap.
#include <stdint.h>

#include "cortex_m0.h"
#include "hil_board.h"
#include "hil_proto.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define SCB_AIRCR REG(0xE000ED0Cu)
#define AIRCR_SYSRESETREQ (0x05FA0004u) // VECTKEY plus the reset request
#define STACK_PAINT (0x5AC3A55Cu)

void cortex_m0_system_reset(void) {
    __asm volatile ("dsb" : : : "memory");
    SCB_AIRCR = AIRCR_SYSRESETREQ;
    for (;;) {
    }
}

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
    HIL_APP_MAIN();
    // The application serves forever; should it ever return, start afresh.
    hil_board_reset();
}

// --- Faults --------------------------------------------------------------------

// Reached from board_fault_handler with the PC the CPU stacked. Global and
// used: the only reference is in assembly, which link-time optimisation
// cannot see.
void board_fault(uint32_t pc);
__attribute__((used))
void board_fault(uint32_t pc) {
    hil_booter_report_fault(pc);
    hil_board_reset();
}

// The exception frame (r0-r3, r12, lr, pc, xpsr) is at MSP and the faulting
// PC is its seventh word. Naked: a C prologue would move MSP first. If the
// stack ran off the start of RAM the PC slot may not exist; then the PC
// reported is 0. Either way the report runs on a fresh stack from the top of
// the stack area (the board resets after it), so a fault from a stack
// overflow does not fault again, which would lock the CPU up.
// (GCC passes Thumb-1 inline assembly as divided syntax, so the code below
// keeps to instructions spelt the same in both syntaxes.)
__attribute__((naked))
void board_fault_handler(void) {
    __asm volatile (
        "mrs r0, msp\n"
        "ldr r1, =_sstack - 24\n"
        "cmp r0, r1\n"
        "bcc 1f\n"
        "ldr r0, [r0, #24]\n"
        "b 2f\n"
        "1: ldr r0, =0\n"
        "2: ldr r1, =_estack\n"
        "mov sp, r1\n"
        "ldr r1, =board_fault\n"
        "bx r1\n"
        ".ltorg\n"
        );
}

// --- Stack watermark -------------------------------------------------------------

static uint32_t *current_sp(void) {
    uint32_t *sp;
    __asm volatile ("mov %0, sp" : "=r" (sp));
    return sp;
}

void hil_board_stack_paint(void) {
    // Everything below the caller's frame is free; painting stops at SP.
    uint32_t *end = current_sp();
    for (uint32_t *p = _sstack; p < end; p++) {
        *p = STACK_PAINT;
    }
}

uint32_t hil_board_stack_peak(void) {
    // The lowest word that lost its paint marks the deepest the stack went.
    const uint32_t *p = _sstack;
    while (p < _estack && *p == STACK_PAINT) {
        p++;
    }
    return (uint32_t)((uintptr_t)_estack - (uintptr_t)p);
}
