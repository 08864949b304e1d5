// The shell application (APP=shell): PikaScript as stock firmware runs it,
// its interactive shell (PikaObj.c) on the board's byte link, with the parser
// kept. The pika-shell transport (harness/vms/pikascript/shell.py) drives it
// as it would drive any stock PikaScript board: the shell takes a .py.o
// streamed as 0f 'pyo' + u32 size + code, runs it at once and returns; a
// REPL line reboot() starts the board afresh. The booter (hil_booter.c with
// hil_run.c and blob.c) is not linked in.
//
// What a port must give the core, and nothing more: a byte in
// (shell_getchar), a byte out (pika_platform_putchar), a heap (heap.c, as the
// booter's), a tick, a reboot, and what to do when the VM stops itself.
#include <stdint.h>
#include <string.h>

#include "PikaMain.h"   // New_PikaMain, from the glue rust-msc generates
#include "PikaObj.h"
#include "PikaPlatform.h"
#include "hil_board.h"
#include "hil_pika.h"

// The glue's boot script (pikaScript.c, not linked) defines the root object's
// pointer; the core's help('modules') reads it.
volatile PikaObj *__pikaMain;

// PikaObj.c defines it; PikaObj.h does not declare it at 1.14.
void pikaScriptShell_withGetchar(PikaObj *self, sh_getchar getchar_fn);

static char shell_getchar(void) {
    return (char)hil_board_getc();
}

// What stock firmware's generated init (pikaPythonInit) prints before the
// root object's banner: the harness reads the core's version from it.
void hil_shell_main(void) {
    heap_init();
    pika_platform_printf("======[pikapython packages installed]======\r\n");
    pika_printVersion();
    pika_platform_printf("===========================================\r\n");
    PikaObj *root = newRootObj("pikaMain", New_PikaMain);
    __pikaMain = root;
    // The shell returns after each .py.o it ran ("like an lvgl handler"):
    // the firmware calls it again, which prints the prompt anew.
    for (;;) {
        pikaScriptShell_withGetchar(root, shell_getchar);
    }
}

// --- Platform hooks (strong definitions over PikaPlatform.c's weak ones) ------

int pika_platform_putchar(char ch) {
    hil_board_write((const uint8_t *)&ch, 1);
    return 1;
}

int pika_platform_fflush(void *stream) {
    (void)stream;
    return 0;
}

void *pika_platform_malloc(size_t size) {
    return heap_alloc(size ? size : 1);   // NULL: pikaMalloc reports "heap exhausted" and stops
}

void pika_platform_free(void *ptr) {
    heap_free(ptr);
}

void *pika_platform_realloc(void *ptr, size_t size) {
    return heap_realloc(ptr, size);
}

int64_t pika_platform_get_tick(void) {
    return (int64_t)(hil_board_cycles() / (hil_board_clock_hz() / 1000u));
}

void pika_platform_sleep_ms(uint32_t ms) {
    int64_t until = pika_platform_get_tick() + ms;
    while (pika_platform_get_tick() < until) {
    }
}

// builtins.reboot(), and the shell after it saved a .py.a.
void pika_platform_reboot(void) {
    hil_board_reset();
}

// The VM stopped itself ("FatalError: heap exhausted ...; stopped", a VM
// panic): upstream spins until a watchdog resets the board. This port resets
// at once, as that watchdog would, and the board announces itself again.
void pika_platform_panic_handle(void) {
    hil_board_reset();
}

// A CPU fault: told on the console, as stock ports do; the board then resets
// (cortex_m0.c).
void hil_booter_report_fault(uint32_t pc) {
    static const char hex[] = "0123456789abcdef";
    char text[] = "\r\nFATAL: CPU fault at PC 0x00000000\r\n";
    char *digit = text + sizeof(text) - 3;
    for (int i = 0; i < 8; i++, pc >>= 4) {
        *--digit = hex[pc & 15];
    }
    hil_board_write((const uint8_t *)text, sizeof(text) - 1);
}
