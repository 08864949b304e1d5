// m0: the roomy Cortex-M0 profile of qemu-m0 (and its host32-m0 mirror).
// float32, arbitrary-precision ints, a 64 KiB heap.
#define HIL_CONFIG_NAME "m0"
#define HIL_HEAP_SIZE 65536
#define HIL_STACK_LIMIT 16384

#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES)
#define MICROPY_FLOAT_IMPL (MICROPY_FLOAT_IMPL_FLOAT)
#define MICROPY_LONGINT_IMPL (MICROPY_LONGINT_IMPL_MPZ)
#define MICROPY_ERROR_REPORTING (MICROPY_ERROR_REPORTING_NORMAL)
// The roomy profiles also take the options only the EVERYTHING level has.
#define MICROPY_PY_BUILTINS_NEXT2 (1)
#define MICROPY_PY_ALL_INPLACE_SPECIAL_METHODS (1)
#define MICROPY_PY_BUILTINS_RANGE_BINOP (1)
// Helper modules sent with a program are importable (hil_modules.c).
#define HIL_MODULES (1)
// sys.stdout and friends (hil_stdio.c): print(..., file=...) and
// sys.print_exception(e, stream) work as users' scripts expect them to.
// 752 bytes of flash (qemu-m0: 132,436 -> 133,188), which the roomy board
// has; g030 leaves it out.
#define MICROPY_PY_SYS_STDFILES (1)
