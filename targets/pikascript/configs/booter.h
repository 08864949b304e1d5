// booter: PikaScript core 1.8.6 as its STM32G030 Booter configures it
// (bsp/stm32g030c8/Booter/pika_config.h: the minimal syntax level), for the
// G030's 64 KiB of flash and 8 KiB of RAM: qemu-g030-pika, g030-pika and
// their 32-bit host mirror pika-host32-g030.
//
// RAM (8 KiB, qemu-g030-pika): the booter and the VM side take 0.8 KiB,
// newlib-nano's locale and float conversions 1.4 KiB (pikascript/libc.c's
// arena: printing 1e300 with %f needs most of it), the heap 3.7 KiB and the
// stack the rest, 2.2 KiB. PikaScript checks no stack depth: the link
// requires HIL_STACK_LIMIT + STACK_HEADROOM (768) = 2 KiB of stack. Measured
// over the conformance suite, runs peak at 1.1-1.5 KiB of stack, the
// booter's frames included; each Python call level takes 216 B of stack and
// 472 B of heap, so a deep recursion runs out of heap (MemoryError) before
// it runs off the stack (targets/qemu-g030-pika/README.md).
#define HIL_CONFIG_NAME "booter"
#define HIL_HEAP_SIZE 3776
#define HIL_STACK_LIMIT 1280

// The Booter's syntax level: the compiler leaves list and dict literals,
// subscripts, slices and % formatting out without a word. The harness tells
// a case using one from a wrong run (harness/vms/pikascript/syntaxlevel.py).
#undef PIKA_SYNTAX_LEVEL
#define PIKA_SYNTAX_LEVEL PIKA_SYNTAX_LEVEL_MINIMAL
