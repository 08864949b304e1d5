// host: the roomy 64-bit reference. Double float, arbitrary-precision ints,
// a 1 MiB heap.
#define HIL_CONFIG_NAME "host"
#define HIL_HEAP_SIZE 1048576
#define HIL_STACK_LIMIT 262144

#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_EXTRA_FEATURES)
#define MICROPY_FLOAT_IMPL (MICROPY_FLOAT_IMPL_DOUBLE)
#define MICROPY_LONGINT_IMPL (MICROPY_LONGINT_IMPL_MPZ)
#define MICROPY_ERROR_REPORTING (MICROPY_ERROR_REPORTING_NORMAL)
// The roomy profiles also take the options only the EVERYTHING level has.
#define MICROPY_PY_BUILTINS_NEXT2 (1)
#define MICROPY_PY_ALL_INPLACE_SPECIAL_METHODS (1)
#define MICROPY_PY_BUILTINS_RANGE_BINOP (1)
// Helper modules sent with a program are importable (hil_modules.c).
#define HIL_MODULES (1)
