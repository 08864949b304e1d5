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

#include "hil_board.h"
#include "hil_modules.h"
#include "hil_vm.h"

#ifndef HIL_MODULES
#define HIL_MODULES 0
#endif

// A board layer whose stack frames differ in size from the device's it
// mirrors scales the stack limit (boards/posix/board.mk).
#ifndef HIL_STACK_SCALE_PERCENT
#define HIL_STACK_SCALE_PERCENT 100
#endif

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

#if UINTPTR_MAX > 0xffffffffu
#define HIL_SMALL_INT_BITS "63"
#else
#define HIL_SMALL_INT_BITS "31"
#endif

// Booters run bytecode only; native code in a blob is refused by the loader.
#if MICROPY_EMIT_NATIVE
#error "bytecode-hil builds carry no native emitter"
#endif

static const char vm_info_head[] =
    "vm=micropython version=" MICROPY_VERSION_STRING
    " mpy=" MP_STRINGIFY(MPY_VERSION) "." MP_STRINGIFY(MPY_SUB_VERSION)
    " arch=none"
    " smallint=" HIL_SMALL_INT_BITS
    " config=" HIL_CONFIG_NAME
    " heap=" MP_STRINGIFY(HIL_HEAP_SIZE)
    " stack_limit=" MP_STRINGIFY(HIL_STACK_LIMIT)
    " compiler=" MP_STRINGIFY(HIL_ENABLE_COMPILER)
    " features=core" HIL_FEATURES_FLOAT HIL_FEATURES_BIGINT;

// Optional features a case can require (docs/cases.md), by the configuration
// option that provides each. Some options are expressions the preprocessor
// cannot turn into strings, so the list is filtered at run time.
static const struct {
    bool enabled;
    const char *name;
} optional_features[] = {
    {MICROPY_PY_SYS, ",module:sys"},
    {MICROPY_PY_GC, ",module:gc"},
    {MICROPY_PY_MICROPYTHON, ",module:micropython"},
    {MICROPY_PY_MATH && MICROPY_PY_BUILTINS_FLOAT, ",module:math"},
    {MICROPY_PY_CMATH && MICROPY_PY_BUILTINS_COMPLEX, ",module:cmath"},
    {MICROPY_PY_STRUCT, ",module:struct"},
    {MICROPY_PY_ARRAY, ",module:array"},
    {MICROPY_PY_COLLECTIONS, ",module:collections"},
    {MICROPY_PY_IO, ",module:io"},
    {MICROPY_PY_BUILTINS_STR_UNICODE, ",unicode"},
    {MICROPY_PY_BUILTINS_FROZENSET, ",frozenset"},
    {MICROPY_PY_BUILTINS_MEMORYVIEW, ",memoryview"},
    {MICROPY_PY_BUILTINS_BYTES_HEX, ",bytes-hex"},
    {MICROPY_PY_BUILTINS_STR_PARTITION, ",str-partition"},
    {MICROPY_PY_BUILTINS_STR_CENTER, ",str-center"},
    {MICROPY_PY_BUILTINS_STR_SPLITLINES, ",str-splitlines"},
    {MICROPY_PY_REVERSE_SPECIAL_METHODS, ",reverse-ops"},
    {MICROPY_PY_ALL_SPECIAL_METHODS, ",special-methods"},
    {MICROPY_PY_ALL_INPLACE_SPECIAL_METHODS, ",inplace-ops"},
    {MICROPY_PY_ARRAY_SLICE_ASSIGN, ",slice-assign"},
    {MICROPY_PY_DESCRIPTORS, ",descriptors"},
    {MICROPY_PY_BUILTINS_SLICE_ATTRS, ",slice-attrs"},
    {MICROPY_PY_BUILTINS_SLICE_INDICES, ",slice-indices"},
    {MICROPY_PY_BUILTINS_ROUND_INT, ",round-int"},
    {MICROPY_PY_BUILTINS_POW3, ",pow3"},
    {MICROPY_PY_COLLECTIONS_ORDEREDDICT, ",ordereddict"},
    {MICROPY_PY_COLLECTIONS_DEQUE, ",deque"},
    {MICROPY_PY_BUILTINS_NEXT2, ",next-default"},
    {MICROPY_PY_DELATTR_SETATTR, ",setattr-delattr"},
    {MICROPY_PY_FUNCTION_ATTRS, ",function-attrs"},
    {MICROPY_PY_BUILTINS_NOTIMPLEMENTED, ",notimplemented"},
    {MICROPY_PY_BUILTINS_RANGE_BINOP, ",range-binop"},
    {MICROPY_PY_SYS_MAXSIZE, ",sys-maxsize"},
    {MICROPY_PY_SYS_STDFILES, ",sys-stdfiles"},
};

void hil_vm_describe(hil_text_fn emit) {
    emit(vm_info_head);
    for (size_t i = 0; i < MP_ARRAY_SIZE(optional_features); i++) {
        if (optional_features[i].enabled) {
            emit(optional_features[i].name);
        }
    }
    #if HIL_MODULES
    // Bundles with up to this many helper modules (docs/protocol.md).
    emit(" modules=" MP_STRINGIFY(HIL_MODULES_MAX));
    #endif
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
    // Free blocks come in runs; one memset a run keeps a large heap cheap.
    const mp_state_mem_area_t *area = &MP_STATE_MEM(area);
    size_t blocks = heap_blocks(area);
    for (size_t b = 0; b < blocks;) {
        if (!block_is_free(area, b)) {
            b++;
            continue;
        }
        size_t run = b;
        while (run < blocks && block_is_free(area, run)) {
            run++;
        }
        memset(area->gc_pool_start + b * MICROPY_BYTES_PER_GC_BLOCK, HEAP_PAINT, (run - b) * MICROPY_BYTES_PER_GC_BLOCK);
        b = run;
    }
}

static uint32_t heap_watermark(void) {
    // Scanned a word at a time from the top: on a large heap most of the
    // scan is paint, and bytes would cost four times the loads.
    const mp_state_mem_area_t *area = &MP_STATE_MEM(area);
    const uint32_t paint = HEAP_PAINT * 0x01010101u;
    const uint32_t *start = (const uint32_t *)area->gc_pool_start;
    const uint32_t *p = start + heap_blocks(area) * MICROPY_BYTES_PER_GC_BLOCK / sizeof(uint32_t);
    while (p > start && p[-1] == paint) {
        p--;
    }
    size_t touched = (const uint8_t *)p - (const uint8_t *)start;
    // Round up to whole blocks: allocation is by block.
    return (touched + MICROPY_BYTES_PER_GC_BLOCK - 1) / MICROPY_BYTES_PER_GC_BLOCK * MICROPY_BYTES_PER_GC_BLOCK;
}

// --- VM lifecycle --------------------------------------------------------------

void hil_vm_reset(void) {
    if (vm_started) {
        gc_sweep_all();
        mp_deinit();
    }
    mp_stack_ctrl_init();
    mp_stack_set_limit(HIL_STACK_LIMIT * HIL_STACK_SCALE_PERCENT / 100);
    // A fresh VM has a cleared heap (docs/protocol.md): gc_init clears only
    // the allocation table, and a bad blob must not read the last case's data.
    memset(heap, 0, sizeof(heap));
    #if HIL_MODULES
    hil_modules_clear();
    #endif
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
    if (mp_obj_is_subclass_fast(MP_OBJ_FROM_PTR(mp_obj_get_type(exc)), MP_OBJ_FROM_PTR(&mp_type_SystemExit))) {
        // The program ended itself (sys.exit(), raise SystemExit): a normal
        // end, silent as under CPython, whatever its exit value.
        res->status = HIL_STATUS_OK;
        return;
    }
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
static mp_uint_t blob_readbyte(void *data) {
    hil_blob_reader_t *r = data;
    if (r->cur == r->end) {
        mp_raise_ValueError(MP_ERROR_TEXT("truncated .mpy"));
    }
    return *r->cur++;
}

static void blob_close(void *data) {
    (void)data;
}

void hil_reader_init(mp_reader_t *reader, void *state, const uint8_t *data, size_t len) {
    hil_blob_reader_t *r = state;
    r->cur = data;
    r->end = data + len;
    reader->data = r;
    reader->readbyte = blob_readbyte;
    reader->close = blob_close;
}

// The cycle count at the start of a load or run. It is kept in a volatile
// static, never in a local: the collector scans the C stack and registers
// conservatively, and whether a count there happened to look like an aligned
// heap pointer changed how much work each collection did, so a run's cycles
// varied with the time since reset.
static volatile uint64_t cycles_start;
// Helper modules of the blob being run; a static, as it is set under nlr_push.
static size_t bundle_helpers;

void hil_vm_run(const uint8_t *blob, size_t len, hil_write_fn out, hil_write_fn trace, hil_result_t *res) {
    stdout_fn = out;
    memset(res, 0, sizeof(*res));
    mp_obj_t module_fun = MP_OBJ_NULL;
    bundle_helpers = 0;

    cycles_start = hil_vm_clock();
    nlr_buf_t nlr;
    if (nlr_push(&nlr) == 0) {
        mp_module_context_t *context = m_new_obj(mp_module_context_t);
        context->module.globals = mp_globals_get();
        mp_compiled_module_t compiled = {.context = context};
        const uint8_t *program = blob;
        size_t program_len = len;
        #if HIL_MODULES
        bundle_helpers = hil_modules_unpack(&program, &program_len);
        #endif
        hil_blob_reader_t blob_reader;
        mp_reader_t reader;
        hil_reader_init(&reader, &blob_reader, program, program_len);
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
    res->load_cycles = hil_vm_clock() - cycles_start;
    // A bundle's helper modules are read from the blob when imported: then
    // the blob stays, reachable from the root pointer, until the next reset.
    if (bundle_helpers == 0) {
        if (MP_STATE_VM(hil_blob) == blob) {
            gc_free((void *)blob);
        }
        MP_STATE_VM(hil_blob) = NULL;
    }

    if (module_fun != MP_OBJ_NULL) {
        heap_paint();
        cycles_start = hil_vm_clock();
        if (nlr_push(&nlr) == 0) {
            mp_call_function_0(module_fun);
            nlr_pop();
        } else {
            report_exception(MP_OBJ_FROM_PTR(nlr.ret_val), trace, res);
        }
        res->run_cycles = hil_vm_clock() - cycles_start;
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
