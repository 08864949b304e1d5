// g030: what fits an STM32G030 (64 KiB flash, 8 KiB RAM), shared by the real
// board, qemu-g030 and their host32 mirror. No float (float32 alone costs
// 12-25 KiB of flash), and the trimmed core feature level.
#define HIL_CONFIG_NAME "g030"
#define HIL_HEAP_SIZE 5632
#define HIL_STACK_LIMIT (1280)

#define MICROPY_CONFIG_ROM_LEVEL (MICROPY_CONFIG_ROM_LEVEL_CORE_FEATURES)
#define MICROPY_FLOAT_IMPL (MICROPY_FLOAT_IMPL_NONE)
#define MICROPY_LONGINT_IMPL (MICROPY_LONGINT_IMPL_MPZ)
#define MICROPY_ERROR_REPORTING (MICROPY_ERROR_REPORTING_TERSE)
