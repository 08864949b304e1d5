// g030: what fits an STM32G030 (64 KiB flash, 8 KiB RAM), shared by the real
// board, qemu-g030 and their host32 mirror. No float (float32 alone costs
// 12-25 KiB of flash), and the trimmed core feature level.
//
// RAM: the booter and VM state take about 0.7 KiB of the 8 KiB, the heap
// 5 KiB and the stack the rest (2.3 KiB on qemu-g030). A program is stopped
// at HIL_STACK_LIMIT; the worst paths measured run 0.45 KiB past it (C code
// called at the limit), which the rest of the stack absorbs.
#define HIL_CONFIG_NAME "g030"
#define HIL_HEAP_SIZE 5120
#define HIL_STACK_LIMIT 1280

#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_CORE_FEATURES)
#define MICROPY_FLOAT_IMPL (MICROPY_FLOAT_IMPL_NONE)
#define MICROPY_ERROR_REPORTING (MICROPY_ERROR_REPORTING_TERSE)

// Flash (Cortex-M0, -Os, link-time optimised): with MPZ long ints the
// firmware is 70.4 KB, 4.9 KB over. MPZ costs 5.1 KB; LONGLONG costs 3.1 KB,
// as it brings 64-bit division and newlib's strtoll. Without either, ints
// beyond 31 bits raise OverflowError, as the `bigint` feature describes.
#define MICROPY_LONGINT_IMPL (MICROPY_LONGINT_IMPL_NONE)
// Dropping the io module (StringIO, BytesIO, the stream layer) saves 2.0 KB:
// 2.1 KB of flash stays free instead of 0.2 KB.
#define MICROPY_PY_IO (0)
// The collector's mark stack: 32 entries instead of 64 give the C stack 128
// bytes; a deeper heap graph costs a rescan, not correctness.
#define MICROPY_ALLOC_GC_STACK_SIZE (32)
