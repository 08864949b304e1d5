// The REPL application (APP=repl): MicroPython as stock firmware runs it,
// its friendly and raw REPLs (shared/runtime/pyexec.c) on the board's byte
// link, with a soft reset on Ctrl-D. The raw-REPL transport
// (harness/transports/rawrepl.py) drives it exactly as it drives stock
// firmware, so that transport runs in CI on an emulated board.
// The booter application (hil_booter.c with hil_run.c) is not linked in.
#include "py/compile.h"
#include "py/gc.h"
#include "py/mphal.h"
#include "py/runtime.h"
#include "py/stackctrl.h"
#include "py/stream.h"
#include "shared/readline/readline.h"
#include "shared/runtime/pyexec.h"

#include "hil_board.h"
#include "repl_app.h"

static uint32_t heap[HIL_HEAP_SIZE / sizeof(uint32_t)];

void hil_repl_main(void) {
    for (;;) {
        // A soft reset starts here: a fresh heap and runtime, nothing mounted.
        mp_stack_ctrl_init();
        mp_stack_set_limit(HIL_STACK_LIMIT + HIL_REPL_STACK_EXTRA);
        gc_init(heap, (uint8_t *)heap + sizeof(heap));
        mp_init();
        hil_vfs_init();
        readline_init0();

        for (;;) {
            if (pyexec_mode_kind == PYEXEC_MODE_RAW_REPL) {
                if (pyexec_raw_repl() != 0) {
                    break;
                }
            } else {
                if (pyexec_friendly_repl() != 0) {
                    break;
                }
            }
        }

        mp_hal_stdout_tx_str("MPY: soft reboot\r\n");
        gc_sweep_all();
        mp_deinit();
    }
}

// --- Hooks MicroPython's core needs from a port --------------------------------

mp_uint_t mp_hal_stdout_tx_strn(const char *str, size_t len) {
    hil_board_write((const uint8_t *)str, len);
    return len;
}

int mp_hal_stdin_rx_chr(void) {
    return hil_board_getc();
}

// sys.stdin and sys.stdout (MicroPython's sys_stdio_mphal.c) poll here:
// output is always writable; input is ready when a byte waits, where the
// board can tell (it says 0 otherwise, and a read then waits for one).
uintptr_t mp_hal_stdio_poll(uintptr_t poll_flags) {
    uintptr_t ready = poll_flags & MP_STREAM_POLL_WR;
    if ((poll_flags & MP_STREAM_POLL_RD) && hil_board_rx_ready()) {
        ready |= MP_STREAM_POLL_RD;
    }
    return ready;
}

void nlr_jump_fail(void *val) {
    (void)val;
    mp_hal_stdout_tx_str("FATAL: uncaught NLR\r\n");
    hil_board_reset();
    for (;;) {
    }
}

// The board's fault handler reports through the booter's hook; here a fault
// is told on the console, as stock ports do, and the board then resets.
void hil_booter_report_fault(uint32_t pc) {
    static const char hex[] = "0123456789abcdef";
    char text[] = "\r\nFATAL: CPU fault at PC 0x00000000\r\n";
    char *digit = text + sizeof(text) - 3;
    for (int i = 0; i < 8; i++, pc >>= 4) {
        *--digit = hex[pc & 15];
    }
    mp_hal_stdout_tx_str(text);
}
