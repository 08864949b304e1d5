// MicroPython HAL for bytecode-hil: stdout goes to the booter, time to the board.
#ifndef HIL_MPHALPORT_H
#define HIL_MPHALPORT_H

#include "hil_board.h"

// The sdist lacks extmod/virtpin.h; no pins are used.
#define mp_hal_pin_obj_t void *

static inline mp_uint_t mp_hal_ticks_cpu(void) {
    return (mp_uint_t)hil_board_cycles();
}

static inline void mp_hal_set_interrupt_char(int c) {
    (void)c;
}

#endif // HIL_MPHALPORT_H
