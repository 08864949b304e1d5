// What the PikaScript VM side's files share (hil_run.c, heap.c, blob.c).
#ifndef HIL_PIKA_H
#define HIL_PIKA_H

#include <stddef.h>
#include <stdint.h>

// heap.c: the VM's heap, a fixed arena of HIL_HEAP_SIZE bytes.
void heap_init(void);
void *heap_alloc(size_t want);           // NULL when it does not fit
void heap_free(void *p);                 // ignores pointers not its own
size_t heap_block_size(const void *p);   // usable bytes of an allocated block
// realloc on this heap: NULL (the block left as it was) when it does not fit.
void *heap_realloc(void *p, size_t size);
// How much of the heap a blob holds, header included: 0 unless it is the
// block hil_vm_blob_alloc (hil_vm.h, also in heap.c) gave the booter.
uint32_t heap_blob_bytes(const void *blob);
uint32_t heap_used(void);                // bytes in allocated blocks, headers included
uint32_t heap_extent(void);              // the highest offset a block ever reached

// blob.c: the core's file formats, checked before the VM sees a byte.
enum blob_kind { BLOB_PYO, BLOB_PYA };
// Why the blob is no .py.o or .py.a this core can run, or NULL.
const char *blob_check(const uint8_t *blob, size_t len, enum blob_kind *kind);

#endif // HIL_PIKA_H
