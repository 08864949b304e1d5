// The PikaScript VM side of the booter (hil_vm.h): runs a .py.o, or a .py.a
// whose module "main" is the program, from memory, for PikaPython 1.14.
//
// The VM is built as upstream ships it; what the harness needs comes
// through its weak platform hooks (PikaPlatform.c):
//   pika_platform_printf         program output, told from the VM's own text
//   pika_platform_malloc/free    the heap of heap.c: used and peak figures,
//                                and exhaustion as an outcome
//   pika_platform_error_handle   the outcome: did an error leave the program?
//   pika_platform_panic_handle, pika_platform_abort_handler   VM fatal errors
// A board's build sets PIKA_BYTECODE_ONLY_ENABLE, so the parser is left out.
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "PikaMain.h"   // New_PikaMain, from the glue rust-msc generates
#include "PikaObj.h"
#include "PikaVM.h"
#include "PikaVersion.h"
#include "hil_board.h"
#include "hil_pika.h"
#include "hil_vm.h"

#define STR_(x) #x
#define STR(x) STR_(x)

// The glue's pikaScript.c (its boot script, not linked) defines the root
// object's pointer.
volatile PikaObj *__pikaMain;

// --- One run's state ----------------------------------------------------------

static struct {
    int to_program;         // 0 while the VM sets up: its text (the banner) is not the program's
    hil_write_fn out, trace;
    int armed;              // a jmp_buf is set: fatal errors unwind to it
    jmp_buf jmp;
    uint8_t jmp_status;     // HIL_STATUS_* the unwinding run ends with
    uint32_t failed_alloc;  // the allocation that did not fit
    uint8_t uncaught;       // an error left the module's top level
    uint8_t exc_type;       // its PikaExceptionType (0: not known)
    char message[80];       // the last "Name: text" line the VM printed
} run;

static void emit(hil_write_fn fn, const char *s, size_t n) {
    if (fn != NULL && n > 0) {
        fn(s, n);
    }
}

// Out of the VM, back to hil_vm_run(): only while a run is in progress.
static void unwind(uint8_t status) {
    if (run.armed) {
        run.armed = 0;
        run.jmp_status = status;
        longjmp(run.jmp, 1);
    }
}

// --- Platform hooks (strong definitions over PikaPlatform.c's weak ones) ------

// The VM cannot live with a NULL (pikaMalloc() says "heap exhausted" and
// spins, and some callers do not check): a run whose allocation does not
// fit ends here, as a MemoryError.
static void *fits_or_unwind(void *p, size_t size) {
    if (p == NULL) {
        run.failed_alloc = (uint32_t)size;
        unwind(HIL_STATUS_MEMORY_ERROR);
    }
    return p;
}

void *pika_platform_malloc(size_t size) {
    return fits_or_unwind(heap_alloc(size ? size : 1), size);
}

void pika_platform_free(void *ptr) {
    heap_free(ptr);
}

void *pika_platform_realloc(void *ptr, size_t size) {
    return fits_or_unwind(heap_realloc(ptr, size), size);
}

// Keep a "Name: text" line (not a traceback line, which starts with a space)
// for the summary line, without its colour codes: the VM prints
// "\x1b[31mSyntaxError: invalid syntax\x1b[0m".
static void remember_message(const char *line) {
    if (line[0] == ' ' || strchr(line, ':') == NULL) {
        return;
    }
    size_t n = 0;
    for (const char *p = line; *p != '\0' && *p != '\r' && *p != '\n'; p++) {
        if (*p == '\x1b') {
            while (*p != '\0' && *p != 'm') {
                p++;
            }
            if (*p == '\0') {
                break;
            }
            continue;
        }
        if (n < sizeof(run.message) - 1) {
            run.message[n++] = *p;
        }
    }
    run.message[n] = '\0';
}

// Every print() of PikaPython 1.14 comes here as ("%s%s", text, end)
// (builtins_print, arg_print), and nothing else in the core uses that
// format: it is the program's output, with print's own line end ("\r\n",
// which the harness's profile reads as a line end). Every other call is the
// VM speaking: an error's message, traceback lines, the banner.
void pika_platform_printf(char *fmt, ...) {
    if (!run.to_program) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    if (0 == strcmp(fmt, "%s%s")) {
        const char *text = va_arg(ap, const char *);
        const char *end = va_arg(ap, const char *);
        emit(run.out, text, strlen(text));
        emit(run.out, end, strlen(end));
    } else {
        char buf[PIKA_SPRINTF_BUFF_SIZE];
        int n = vsnprintf(buf, sizeof(buf), fmt, ap);
        if (n > (int)sizeof(buf) - 1) {
            n = sizeof(buf) - 1;
        }
        if (n > 0) {
            remember_message(buf);
            emit(run.trace, buf, (size_t)n);
        }
    }
    va_end(ap);
}

// The frame loop calls this after an error, once per frame it unwinds
// (after that frame's traceback lines). The error leaves the program when
// the frame is the module's top level (invoke depth 1) with no try block
// active: the VM's own state says so, however the output looks.
void pika_platform_error_handle(void) {
    PikaVMThread *t = pikaVMThread_require();
    if (t == NULL || t->invoke_deepth != 1 || t->try_state != TRY_STATE_NONE || run.uncaught) {
        return;
    }
    run.uncaught = 1;
    for (PikaVMError *e = t->error_stack; e != NULL; e = e->next) {
        if (e->exception_type != PIKA_EXCEPTION_NONE) {
            run.exc_type = e->exception_type;
            break;
        }
    }
}

// pika_platform_fatal_handle() ("FatalError: ... stopped") and the weak
// functions a port must give end here; upstream spins forever.
void pika_platform_panic_handle(void) {
    unwind(HIL_STATUS_FAULT);
    for (;;) {
    }
}

// A failed pika_assert(), just before abort().
void pika_platform_abort_handler(void) {
    unwind(HIL_STATUS_FAULT);
}

// A board has no timers for it, and a case should not sleep.
void pika_platform_sleep_ms(uint32_t ms) {
    (void)ms;
}

// --- The error's last line ------------------------------------------------------

// PikaExceptionType (PikaObj.h), in order.
static const char *const exception_names[] = {
    "", "BaseException", "Exception", "SystemExit", "KeyboardInterrupt",
    "GeneratorExit", "StopIteration", "ArithmeticError", "OverflowError",
    "ZeroDivisionError", "AssertionError", "AttributeError", "ImportError",
    "ModuleNotFoundError", "LookupError", "IndexError", "KeyError",
    "MemoryError", "NameError", "UnboundLocalError", "OSError", "RuntimeError",
    "NotImplementedError", "RecursionError", "SyntaxError", "IndentationError",
    "TabError", "SystemError", "TypeError", "ValueError", "UnicodeError",
};

// The harness compares an error's last line ("Type: message", as CPython's).
// The VM printed one only for an error it raised itself ("ZeroDivisionError:
// division by zero"); it drops the message of an exception object a program
// raises, so then the type's name is all there is to say.
static void error_line(void) {
    const char *name = run.exc_type < sizeof(exception_names) / sizeof(exception_names[0])
                           ? exception_names[run.exc_type] : "";
    size_t n = strlen(name);
    if (n > 0 && 0 == strncmp(run.message, name, n) && run.message[n] == ':') {
        name = run.message;
    } else if (n == 0) {
        name = run.message[0] ? run.message : "Error";
    }
    emit(run.trace, name, strlen(name));
    emit(run.trace, "\n", 1);
}

// --- The VM's life ---------------------------------------------------------------

// The core's globals as a fresh boot has them. After a longjmp out of the
// VM they describe objects in the heap that is about to be cleared.
extern volatile VMState g_PikaVMState;
extern volatile PikaObjState g_PikaObjState;
extern volatile PikaMemInfo g_PikaMemInfo;
static void vm_globals_reset(void) {
    // Unlinks and frees our thread record, which is static to PikaVM.c (a
    // no-op when the run ended and deleted it already).
    pikaVMThread_delete();
    __pikaMain = NULL;
    g_PikaVMState.signal_ctrl = VM_SIGNAL_CTRL_NONE;
    g_PikaVMState.vm_cnt = 0;
    g_PikaObjState.inRootObj = pika_false;
    g_PikaObjState.helpModulesCmodule = NULL;
    g_PikaMemInfo.heapUsed = 0;
    g_PikaMemInfo.heapUsedMax = 0;
}

void hil_vm_reset(void) {
    run.armed = 0;
    run.to_program = 0;
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
        emit(trace, why, strlen(why));
        emit(trace, "\n", 1);
        res->status = HIL_STATUS_LOAD_ERROR;
        res->load_cycles = hil_vm_clock() - start;
        return;
    }
    // What the blob holds of the heap is not the program's.
    uint32_t blob_bytes = heap_blob_bytes(blob);

    if (setjmp(run.jmp) == 0) {
        run.armed = 1;
        // The first root object after a boot prints the "POWERED BY" banner:
        // the VM's, not the program's.
        PikaObj *root = newRootObj("pikaMain", New_PikaMain);
        if (kind == BLOB_PYA) {
            obj_linkLibrary(root, (uint8_t *)blob);   // in place, not copied
        }
        run.to_program = 1;
        res->load_cycles = hil_vm_clock() - start;
        start = hil_vm_clock();
        if (kind == BLOB_PYA) {
            obj_runModule(root, "main");
        } else {
            // def and class code point into the blob: it lives until obj_deinit().
            pikaVM_runByteCode(root, blob);
        }
        res->run_cycles = hil_vm_clock() - start;
        res->heap_used = heap_used() - blob_bytes;
        run.to_program = 0;
        run.armed = 0;
        obj_deinit(root);
    } else {
        // Unwound: the heap ran out, or the VM gave up. Its objects are
        // abandoned; the next hil_vm_reset() clears the heap.
        res->run_cycles = hil_vm_clock() - start;
        res->heap_used = heap_used() - blob_bytes;
        res->status = run.jmp_status;
        run.to_program = 0;
        vm_globals_reset();
        char text[80];
        int n = run.jmp_status == HIL_STATUS_MEMORY_ERROR
                    ? snprintf(text, sizeof text, "MemoryError: heap exhausted (%u-byte allocation)\n",
                               (unsigned)run.failed_alloc)
                    : snprintf(text, sizeof text, "FatalError: the VM stopped\n");
        emit(trace, text, (size_t)n);
    }
    run.armed = 0;
    res->heap_peak = heap_extent();

    if (res->status == HIL_STATUS_OK && run.uncaught && run.exc_type != PIKA_EXCEPTION_SYSTEM_EXIT) {
        // SystemExit ends a program as CPython's does: quietly, status ok.
        res->status = run.exc_type == PIKA_EXCEPTION_MEMORY ? HIL_STATUS_MEMORY_ERROR : HIL_STATUS_EXCEPTION;
        error_line();
    }
}

// --- INFO ---------------------------------------------------------------------

// The VM stores a raised built-in exception's error code as the low byte of
// its constructor's address (RIS: an int8_t): a constructor at an address
// ending in 00 raises nothing. Thumb code addresses are odd, so boards never
// meet it; a host build may. The first such constructor, or NULL.
extern const NativeProperty builtinsNativeProp;
static const char *silent_raise(void) {
    const ConstArg *m = (const ConstArg *)builtinsNativeProp.methodGroup;
    for (uint32_t i = 0; i < builtinsNativeProp.methodGroupCount; i++) {
        if (m[i].type != ARG_TYPE_METHOD_NATIVE_CONSTRUCTOR) {
            continue;
        }
        const MethodPropNative *prop = (const MethodPropNative *)m[i]._.buffer;
        if ((int8_t)(uintptr_t)prop->ptr == 0) {
            return prop->name;
        }
    }
    return NULL;
}

#if PIKA_SYNTAX_LEVEL == PIKA_SYNTAX_LEVEL_MAXIMAL
#define HIL_SYNTAX "maximal"
#else
#define HIL_SYNTAX "minimal"
#endif
#if PIKA_BYTECODE_ONLY_ENABLE
#define HIL_COMPILER "0"
#else
#define HIL_COMPILER "1"
#endif
#if PIKA_FLOAT_TYPE_DOUBLE
#define HIL_FEATURES_FLOAT ",float,double"
#else
#define HIL_FEATURES_FLOAT ",float,float32"
#endif

static const char vm_info_head[] =
    "vm=pikascript version=" STR(PIKA_VERSION_MAJOR) "." STR(PIKA_VERSION_MINOR) "." STR(PIKA_VERSION_MICRO)
    " pyo=" STR(PIKA_VERSION_MAJOR) "." STR(PIKA_VERSION_MINOR)
    " pya=7"
    " config=" HIL_CONFIG_NAME
    " syntax=" HIL_SYNTAX
    " heap=" STR(HIL_HEAP_SIZE)
    " stack_limit=" STR(HIL_STACK_LIMIT)
    " compiler=" HIL_COMPILER
    " features=core" HIL_FEATURES_FLOAT
    // A .py.a carries the program's helper modules: as many as the blob holds.
    " modules=255";

void hil_vm_describe(hil_text_fn emit_text) {
    emit_text(vm_info_head);
    const char *silent = silent_raise();
    if (silent != NULL) {
        emit_text(" silent_raise=");
        emit_text(silent);
    }
}
