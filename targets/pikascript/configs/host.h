// host: the roomy 64-bit reference of PikaScript. The syntax level is the
// core's default (maximal); a 1 MiB heap.
#define HIL_CONFIG_NAME "host"
#define HIL_HEAP_SIZE 1048576
// No check of PikaScript's stops a deep program: this is the stack the
// booter's linker script reserves beyond its own headroom.
#define HIL_STACK_LIMIT 65536
