// Load a .mpy blob from memory and run it: the run-from-memory API of
// bytecode-hil, and the MicroPython side of the VM profile (hil_vm.h).
// Host runners and booter firmware compile this same file.
#include <string.h>

#include "py/compile.h"
#include "py/gc.h"
#include "py/mperrno.h"
#include "py/mphal.h"
#include "py/persistentcode.h"
#include "py/runtime.h"
#include "py/stackctrl.h"
#include "shared/runtime/gchelper.h"

#include "hil_board.h"
#include "hil_vm.h"

// Keeps the blob alive across collections while the loader reads it.
MP_REGISTER_ROOT_POINTER(const uint8_t *hil_blob);

static uint32_t heap[HIL_HEAP_SIZE / sizeof(uint32_t)];
static bool vm_started;
static hil_write_fn stdout_fn;

// --- What the booter announces about this VM build --------------------------

#if MICROPY_FLOAT_IMPL == MICROPY_FLOAT_IMPL_FLOAT
#define HIL_FEATURES_FLOAT ",float,float32"
#elif MICROPY_FLOAT_IMPL == MICROPY_FLOAT_IMPL_DOUBLE
#define HIL_FEATURES_FLOAT ",float,double"
#else
#define HIL_FEATURES_FLOAT ""
#endif
#if MICROPY_LONGINT_IMPL == MICROPY_LONGINT_IMPL_MPZ
#define HIL_FEATURES_BIGINT ",bigint"
#else
#define HIL_FEATURES_BIGINT ""
#endif
#define HIL_FEATURE_MODULE(enabled, name) ((enabled) ? ",module:" name : "")

// Booters run bytecode only; native code in a blob is refused by the loader.
#if MICROPY_EMIT_NATIVE
#error "bytecode-hil builds carry no native emitter"
#endif
#define HIL_MPY_ARCH "none"

#if UINTPTR_MAX > 0xffffffffu
#define HIL_SMALL_INT_BITS "63"
#else
#define HIL_SMALL_INT_BITS "31"
#endif

static const char vm_info_head[] =
    "vm=micropython version=" MICROPY_VERSION_STRING
    " mpy=" MP_STRINGIFY(MPY_VERSION) "." MP_STRINGIFY(MPY_SUB_VERSION)
    " arch=" HIL_MPY_ARCH
    " smallint=" HIL_SMALL_INT_BITS
    " config=" HIL_CONFIG_NAME
    " heap=" MP_STRINGIFY(HIL_HEAP_SIZE)
    " compiler=" MP_STRINGIFY(HIL_ENABLE_COMPILER)
    " features=core" HIL_FEATURES_FLOAT HIL_FEATURES_BIGINT;

const char *hil_vm_info(void) {
    // Module features depend on expressions the preprocessor cannot
    // stringify, so the tail is assembled once at run time.
    static char info[sizeof(vm_info_head) + 128];
    if (info[0] == 0) {
        const char *modules[] = {
            HIL_FEATURE_MODULE(MICROPY_PY_SYS, "sys"),
            HIL_FEATURE_MODULE(MICROPY_PY_GC, "gc"),
            HIL_FEATURE_MODULE(MICROPY_PY_MICROPYTHON, "micropython"),
            HIL_FEATURE_MODULE(MICROPY_PY_MATH && MICROPY_PY_BUILTINS_FLOAT, "math"),
            HIL_FEATURE_MODULE(MICROPY_PY_CMATH && MICROPY_PY_BUILTINS_COMPLEX, "cmath"),
            HIL_FEATURE_MODULE(MICROPY_PY_STRUCT, "struct"),
            HIL_FEATURE_MODULE(MICROPY_PY_ARRAY, "array"),
            HIL_FEATURE_MODULE(MICROPY_PY_COLLECTIONS, "collections"),
            HIL_FEATURE_MODULE(MICROPY_PY_IO, "io"),
        };
        size_t len = strlen(vm_info_head);
        memcpy(info, vm_info_head, len);
        for (size_t i = 0; i < MP_ARRAY_SIZE(modules); i++) {
            size_t n = strlen(modules[i]);
            if (len + n < sizeof(info)) {
                memcpy(info + len, modules[i], n);
                len += n;
            }
        }
        info[len] = 0;
    }
    return info;
}

// --- Heap watermark ----------------------------------------------------------
// Free blocks are painted before a run; afterwards the highest block that
// lost its paint bounds the heap the run needed (allocation is first-fit
// from the bottom, and every allocation is cleared).

#define HEAP_PAINT (0x55)

static size_t heap_blocks(const mp_state_mem_area_t *area) {
    return (area->gc_pool_end - area->gc_pool_start) / MICROPY_BYTES_PER_GC_BLOCK;
}

static bool block_is_free(const mp_state_mem_area_t *area, size_t block) {
    return ((area->gc_alloc_table_start[block / 4] >> ((block % 4) * 2)) & 3) == 0;
}

static void heap_paint(void) {
    const mp_state_mem_area_t *area = &MP_STATE_MEM(area);
    for (size_t b = 0; b < heap_blocks(area); b++) {
        if (block_is_free(area, b)) {
            memset(area->gc_pool_start + b * MICROPY_BYTES_PER_GC_BLOCK, HEAP_PAINT, MICROPY_BYTES_PER_GC_BLOCK);
        }
    }
}

static uint32_t heap_watermark(void) {
    const mp_state_mem_area_t *area = &MP_STATE_MEM(area);
    for (size_t b = heap_blocks(area); b-- > 0;) {
        const uint8_t *p = area->gc_pool_start + b * MICROPY_BYTES_PER_GC_BLOCK;
        for (size_t i = 0; i < MICROPY_BYTES_PER_GC_BLOCK; i++) {
            if (p[i] != HEAP_PAINT) {
                return (b + 1) * MICROPY_BYTES_PER_GC_BLOCK;
            }
        }
    }
    return 0;
}

// --- VM lifecycle --------------------------------------------------------------

void hil_vm_reset(void) {
    if (vm_started) {
        gc_sweep_all();
        mp_deinit();
    }
    mp_stack_ctrl_init();
    mp_stack_set_limit(HIL_STACK_LIMIT);
    gc_init(heap, (uint8_t *)heap + sizeof(heap));
    mp_init();
    #if MICROPY_OPT_MAP_LOOKUP_CACHE
    // mp_init() keeps the map lookup cache, so a run after another that
    // warmed it took fewer cycles; a cold cache makes runs repeatable.
    memset(MP_STATE_VM(map_lookup_cache), 0, sizeof(MP_STATE_VM(map_lookup_cache)));
    #endif
    vm_started = true;
}

size_t hil_vm_blob_max(void) {
    gc_info_t info;
    gc_info(&info);
    return info.max_free * MICROPY_BYTES_PER_GC_BLOCK;
}

uint8_t *hil_vm_blob_alloc(size_t len) {
    uint8_t *buf = gc_alloc(len ? len : 1, 0);
    MP_STATE_VM(hil_blob) = buf;
    return buf;
}

static void trace_strn(void *env, const char *str, size_t len) {
    ((hil_write_fn)env)(str, len);
}

// Report an exception that escaped the program (or the loader).
static void report_exception(mp_obj_t exc, hil_write_fn trace, hil_result_t *res) {
    if (mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(exc)), MP_OBJ_FROM_PTR(&mp_type_MemoryError))) {
        res->status = HIL_STATUS_MEMORY_ERROR;
    } else {
        res->status = HIL_STATUS_EXCEPTION;
    }
    mp_print_t print = {(void *)trace, trace_strn};
    mp_obj_print_exception(&print, exc);
}

// A blob reader that raises at the end of the blob. MicroPython's memory
// reader returns an end marker the loader reads as 0xff bytes, so a truncated
// .mpy would make it read forever.
typedef struct _blob_reader_t {
    const uint8_t *cur;
    const uint8_t *end;
} blob_reader_t;

static mp_uint_t blob_readbyte(void *data) {
    blob_reader_t *r = data;
    if (r->cur == r->end) {
        mp_raise_ValueError(MP_ERROR_TEXT("truncated .mpy"));
    }
    return *r->cur++;
}

static void blob_close(void *data) {
    (void)data;
}

void hil_vm_run(const uint8_t *blob, size_t len, hil_write_fn out, hil_write_fn trace, hil_result_t *res) {
    stdout_fn = out;
    memset(res, 0, sizeof(*res));
    mp_obj_t module_fun = MP_OBJ_NULL;

    uint64_t start = hil_board_cycles();
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_module_context_t *context = m_new_obj(mp_module_context_t);
        context->module.globals = mp_globals_get();
        mp_compiled_module_t compiled = {.context = context};
        blob_reader_t blob_reader = {blob, blob + len};
        mp_reader_t reader = {&blob_reader, blob_readbyte, blob_close};
        mp_raw_code_load(&reader, &compiled);
        module_fun = mp_make_function_from_proto_fun(compiled.rc, context, NULL);
        nlr_pop();
    } else {
        report_exception(MP_OBJ_FROM_PTR(nlr.ret_val), trace, res);
        // Anything but running out of memory means the blob was refused.
        if (res->status != HIL_STATUS_MEMORY_ERROR) {
            res->status = HIL_STATUS_LOAD_ERROR;
        }
    }
    res->load_cycles = hil_board_cycles() - start;
    if (MP_STATE_VM(hil_blob) == blob) {
        gc_free((void *)blob);
    }
    MP_STATE_VM(hil_blob) = NULL;

    if (module_fun != MP_OBJ_NULL) {
        heap_paint();
        start = hil_board_cycles();
        if (nlr_push(&nlr) == 0) {
            mp_call_function_0(module_fun);
            nlr_pop();
        } else {
            report_exception(MP_OBJ_FROM_PTR(nlr.ret_val), trace, res);
        }
        res->run_cycles = hil_board_cycles() - start;
        res->heap_peak = heap_watermark();
    }
    gc_info_t info;
    gc_info(&info);
    res->heap_used = info.used;
    stdout_fn = NULL;
}

// --- Hooks MicroPython's core needs from a port --------------------------------

mp_uint_t mp_hal_stdout_tx_strn(const char *str, size_t len) {
    if (stdout_fn) {
        stdout_fn(str, len);
    }
    return len;
}

int mp_hal_stdin_rx_chr(void) {
    // Programs have no standard input: the link carries the protocol.
    mp_raise_OSError(MP_EIO);
}

#if MICROPY_PY_IO
// There is no filesystem: open() always fails.
static mp_obj_t hil_builtin_open(size_t n_args, const mp_obj_t *args, mp_map_t *kwargs) {
    mp_raise_OSError(MP_ENOENT);
}
MP_DEFINE_CONST_FUN_OBJ_KW(mp_builtin_open_obj, 1, hil_builtin_open);
#endif

void gc_collect(void) {
    gc_collect_start();
    gc_helper_collect_regs_and_stack();
    gc_collect_end();
}

void nlr_jump_fail(void *val) {
    (void)val;
    hil_board_reset();
    for (;;) {
    }
}

#if MICROPY_ENABLE_COMPILER
mp_lexer_t *mp_lexer_new_from_file(qstr filename) {
    mp_raise_OSError(MP_ENOENT);
}
#endif
