// m0: PikaScript on the roomy Cortex-M0 board (qemu-m0-pika) and its 32-bit
// host mirror (pika-host32). The syntax level is the core's default
// (maximal); a 64 KiB heap, as MicroPython's m0.
#define HIL_CONFIG_NAME "m0"
#define HIL_HEAP_SIZE 65536
// PikaScript checks no stack depth: a program deeper than the stack faults
// (the stack sits at the bottom of RAM). The linker script reserves this
// much beyond its headroom; the rest of the 128 KiB is the VM's.
#define HIL_STACK_LIMIT 16384
