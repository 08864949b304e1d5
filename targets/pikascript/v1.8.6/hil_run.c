// The PikaScript VM side of the booter (hil_vm.h) for core 1.8.6, the core of
// PikaScript's STM32G030 Booter: runs a .py.o, or a .py.a whose module
// "main" is the program, from memory.
//
// The VM is built as upstream ships it; what the harness needs comes through
// its weak platform hooks (PikaPlatform.c) and two wrapped functions:
//   __platform_printf           program output, told from the VM's own text
//   __platform_malloc/free      the heap of heap.c: used and peak figures, and
//                               exhaustion as an outcome
//   __platform_error_handle     an error: core 1.8.6 has no exceptions, and
//                               its frame loop calls this after printing the
//                               failing line's bytecode, then goes on
//   obj_setSysOut, args_setSysOut (ld --wrap, side.mk)   a native method's or
//                               an operator's message (or type()'s answer)
// A board's build leaves the parser out (side.mk, noparser.c).
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "PikaMain.h"   // New_PikaMain, from the glue rust-msc generates
#include "PikaObj.h"
#include "PikaVM.h"
#include "dataMemory.h"
#include "hil_board.h"
#include "hil_pika.h"
#include "hil_vm.h"

#define STR_(x) #x
#define STR(x) STR_(x)

// The glue's pikaScript.c (its boot script, not linked) defines the root
// object's pointer.
PikaObj *__pikaMain;

// --- One run's state ----------------------------------------------------------

static struct {
    hil_write_fn out, trace;
    int armed;              // a jmp_buf is set: fatal errors unwind to it
    jmp_buf jmp;
    uint8_t jmp_status;     // HIL_STATUS_* the unwinding run ends with
    uint32_t failed_alloc;  // the allocation that did not fit
    uint16_t errors;        // errors the frame loop reported
    uint8_t in_sysout;      // inside obj_setSysOut/args_setSysOut
    char message[64];       // the VM's last message line
    char first[64];         // the message of the run's first error
} run;

static void emit(hil_write_fn fn, const char *s, size_t n) {
    if (fn != NULL && n > 0) {
        fn(s, n);
    }
}

static void emits(hil_write_fn fn, const char *s) {
    emit(fn, s, strlen(s));
}

// Out of the VM, back to hil_vm_run(): only while a run is in progress.
static void unwind(uint8_t status) {
    if (run.armed) {
        run.armed = 0;
        run.jmp_status = status;
        longjmp(run.jmp, 1);
    }
}

// --- Memory -----------------------------------------------------------------------

// pikaMalloc() prints "No heap space!" and spins on a NULL: a run whose
// allocation does not fit ends here instead, as a MemoryError.
void *__platform_malloc(size_t size) {
    void *p = heap_alloc(size ? size : 1);
    if (p == NULL) {
        run.failed_alloc = (uint32_t)size;
        unwind(HIL_STATUS_MEMORY_ERROR);
    }
    return p;
}

void __platform_free(void *ptr) {
    heap_free(ptr);
}

// --- Output -------------------------------------------------------------------------

// A message of the VM, up to its line end, kept for the error's last line.
static void remember(char *into, size_t size, const char *text) {
    size_t n = 0;
    while (text[n] != '\0' && text[n] != '\r' && text[n] != '\n' && n < size - 1) {
        into[n] = text[n];
        n++;
    }
    into[n] = '\0';
}

// The frame loop's report of a failing line: "   " or " -> " before each of
// its instructions, printed by instructUnit_printWithConst.
static int is_bytecode_line(const char *fmt) {
    return 0 == strcmp(fmt, "   ") || 0 == strcmp(fmt, " -> ") || 0 == strcmp(fmt, "%s %s \t\t(#%d)\r\n");
}

// Every message the core and its standard library print of their own names
// an error ("NameError: ...", "[error] ...", "Error: ...") or follows one
// ("Info: ..."), in its format or, through obj_setSysOut, in its text (the
// one other text set there is type()'s answer, "<class 'int'>"). Program
// output comes through formats without such words: print() as "%s\r\n" or
// "%s", a bare expression statement's value as "%d\r\n", "%f\r\n", "%s\r\n"
// or "<object at 0x%02x>\r\n", bytes as "b'", "\\x%02x", "'\r\n".
static int is_message(const char *text) {
    // (strstr would bring the C library's 1 KB two-way search.)
    for (const char *p = text; *p != '\0'; p++) {
        if (0 == strncmp(p, "rror", 4)) {
            return 1;
        }
    }
    return strncmp(text, "Info: ", 6) == 0;
}

void __platform_printf(char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (0 == strcmp(fmt, "%s\r\n") || 0 == strcmp(fmt, "%s")) {
        // Text as long as it is: the program's, or a message set through
        // obj_setSysOut.
        const char *text = va_arg(ap, const char *);
        int message = run.in_sysout && is_message(text);
        if (message) {
            remember(run.message, sizeof run.message, text);
        }
        hil_write_fn to = message ? run.trace : run.out;
        emits(to, text);
        if (fmt[2] != '\0') {
            emits(to, "\r\n");
        }
    } else {
        hil_write_fn to = is_bytecode_line(fmt) || is_message(fmt) ? run.trace : run.out;
        char buf[PIKA_SPRINTF_BUFF_SIZE];
        int n = vsnprintf(buf, sizeof buf, fmt, ap);
        if (n > (int)sizeof buf - 1) {
            n = sizeof buf - 1;
        }
        if (is_message(fmt)) {
            remember(run.message, sizeof run.message, buf);
        }
        emit(to, buf, n > 0 ? (size_t)n : 0);
    }
    va_end(ap);
}

// ld --wrap (side.mk): these print a message through __platform_printf.
void __real_obj_setSysOut(PikaObj *self, char *str);
void __real_args_setSysOut(Args *args, char *str);
void __wrap_obj_setSysOut(PikaObj *self, char *str);
void __wrap_args_setSysOut(Args *args, char *str);

void __wrap_obj_setSysOut(PikaObj *self, char *str) {
    run.in_sysout = 1;
    __real_obj_setSysOut(self, str);
    run.in_sysout = 0;
}

void __wrap_args_setSysOut(Args *args, char *str) {
    run.in_sysout = 1;
    __real_args_setSysOut(args, str);
    run.in_sysout = 0;
}

// --- Outcome ------------------------------------------------------------------------

// The frame loop calls this once per failing instruction, after the bytecode
// of its line. An error in core 1.8.6 stops nothing (it has no exceptions and
// no try): the loop goes on with the rest of the line and the next ones, and
// the program's outcome is the first error, as CPython's would be.
void __platform_error_handle(void) {
    if (run.errors++ == 0) {
        memcpy(run.first, run.message, sizeof run.first);
    }
    run.message[0] = '\0';
}

// --- The VM's life ---------------------------------------------------------------

// The core's globals as a fresh boot has them. After a longjmp out of the
// VM they describe objects in the heap that is about to be cleared.
extern PikaMemInfo pikaMemInfo;   // dataMemory.c
static void vm_globals_reset(void) {
    __pikaMain = NULL;
    memset(&pikaMemInfo, 0, sizeof pikaMemInfo);
}

void hil_vm_reset(void) {
    run.armed = 0;
    vm_globals_reset();
    heap_init();
}

void hil_vm_run(const uint8_t *blob, size_t len, hil_write_fn out, hil_write_fn trace, hil_result_t *res) {
    memset(res, 0, sizeof(*res));
    memset(&run, 0, sizeof(run));
    run.out = out;
    run.trace = trace;

    volatile uint64_t start = hil_vm_clock();   // volatile: read again after a longjmp
    enum blob_kind kind = BLOB_PYO;
    const char *why = blob_check(blob, len, &kind);
    if (why != NULL) {
        emits(trace, why);
        emit(trace, "\n", 1);
        res->status = HIL_STATUS_LOAD_ERROR;
        res->load_cycles = hil_vm_clock() - start;
        return;
    }
    // What the blob holds of the heap is not the program's.
    uint32_t blob_bytes = heap_blob_bytes(blob);

    if (setjmp(run.jmp) == 0) {
        run.armed = 1;
        PikaObj *root = newRootObj("pikaMain", New_PikaMain);
        if (kind == BLOB_PYA) {
            obj_linkLibrary(root, (uint8_t *)blob);   // in place, not copied
        }
        res->load_cycles = hil_vm_clock() - start;
        start = hil_vm_clock();
        if (kind == BLOB_PYA) {
            obj_runModule(root, "main");
        } else {
            // def and class code point into the blob: it lives until obj_deinit().
            pikaVM_runByteCode(root, (uint8_t *)blob);
        }
        res->run_cycles = hil_vm_clock() - start;
        res->heap_used = heap_used() - blob_bytes;
        run.armed = 0;
        obj_deinit(root);
    } else {
        // Unwound: the heap ran out. The VM's objects are abandoned; the
        // next hil_vm_reset() clears the heap.
        res->run_cycles = hil_vm_clock() - start;
        res->heap_used = heap_used() - blob_bytes;
        res->status = run.jmp_status;
        vm_globals_reset();
        char text[64];
        int n = snprintf(text, sizeof text, "MemoryError: heap exhausted (%u-byte allocation)\n",
                         (unsigned)run.failed_alloc);
        emit(trace, text, (size_t)n);
    }
    run.armed = 0;
    res->heap_peak = heap_extent();

    if (res->status == HIL_STATUS_OK && run.errors > 0) {
        // The error's last line, as CPython's traceback ends: the VM's
        // message, or "Error" where it printed none.
        res->status = HIL_STATUS_EXCEPTION;
        emits(trace, run.first[0] ? run.first : "Error");
        emit(trace, "\n", 1);
    }
}

// --- INFO ---------------------------------------------------------------------

#if PIKA_SYNTAX_LEVEL == PIKA_SYNTAX_LEVEL_MAXIMAL
#define HIL_SYNTAX "maximal"
#else
#define HIL_SYNTAX "minimal"
#endif
#if HIL_PARSER_LINKED
#define HIL_COMPILER "1"
#else
#define HIL_COMPILER "0"
#endif

// Core 1.8.6 says its version nowhere in its source: the pin does
// (harness/vms/pikascript/cores.py). Its .py.o has no magic or version;
// its .py.a is version 1.
static const char vm_info[] =
    "vm=pikascript version=1.8.6 pyo=1.8.6 pya=1"
    " config=" HIL_CONFIG_NAME
    " syntax=" HIL_SYNTAX
    " heap=" STR(HIL_HEAP_SIZE)
    " stack_limit=" STR(HIL_STACK_LIMIT)
    " compiler=" HIL_COMPILER
    // Floats are C doubles, printed with %f.
    " features=core,float,double"
    // A .py.a carries the program's helper modules: as many as the blob holds.
    " modules=255";

void hil_vm_describe(hil_text_fn emit_text) {
    emit_text(vm_info);
}
