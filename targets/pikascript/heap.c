// The PikaScript VM's heap: first-fit over a static arena, the free list in
// address order with coalescing. Every block has an 8-byte header (its size
// and a tag), so a free needs no size and payloads are 8-byte aligned, as
// the core's allocations want. A heap of our own, not the C library's: its
// figures (used, the high-water mark) are exact, it is cleared before each
// run, and a board and its host mirror allocate alike.
#include <string.h>

#include "hil_pika.h"
#include "hil_vm.h"
#include "pika_config.h"   // HIL_HEAP_SIZE, from the target's configuration

#define HDR (8u)
#define MIN_BLOCK (16u)
#define TAG_USED (0x55534544u)   // "USED": a free of a foreign pointer is caught
#define TAG_FREE (0x46524545u)
#define NONE (0xffffffffu)

typedef struct {
    uint32_t size;  // the whole block, header included, a multiple of 8
    uint32_t tag;
    uint32_t next;  // free blocks only: the offset of the next free block
} block_t;

static uint64_t arena[HIL_HEAP_SIZE / 8];
// The block holding the blob the booter loads into this heap: the VM's input,
// not the program's allocation (heap_blob_bytes).
static const void *blob_block;
static struct {
    uint32_t free_head;  // offset of the first free block, or NONE
    uint32_t used;
    uint32_t extent;
} heap;

#define BLK(off) ((block_t *)((uint8_t *)arena + (off)))
#define OFF(p) ((uint32_t)((const uint8_t *)(p) - (const uint8_t *)arena))

void heap_init(void) {
    // Cleared: a bad blob must not read the last case's data.
    memset(arena, 0, sizeof(arena));
    heap.free_head = 0;
    heap.used = 0;
    heap.extent = 0;
    blob_block = NULL;
    block_t *b = BLK(0);
    b->size = sizeof(arena);
    b->tag = TAG_FREE;
    b->next = NONE;
}

void *heap_alloc(size_t want) {
    if (want > sizeof(arena) - HDR) {
        return NULL;
    }
    uint32_t need = (uint32_t)((want + HDR + 7) & ~7u);
    if (need < MIN_BLOCK) {
        need = MIN_BLOCK;
    }
    uint32_t prev = NONE;
    for (uint32_t off = heap.free_head; off != NONE; prev = off, off = BLK(off)->next) {
        block_t *b = BLK(off);
        if (b->size < need) {
            continue;
        }
        uint32_t next = b->next;
        if (b->size - need >= MIN_BLOCK) {
            // Split: the tail stays free, in the same place in the list.
            block_t *rest = BLK(off + need);
            rest->size = b->size - need;
            rest->tag = TAG_FREE;
            rest->next = next;
            next = off + need;
            b->size = need;
        }
        if (prev == NONE) {
            heap.free_head = next;
        } else {
            BLK(prev)->next = next;
        }
        b->tag = TAG_USED;
        heap.used += b->size;
        if (off + b->size > heap.extent) {
            heap.extent = off + b->size;
        }
        return (uint8_t *)b + HDR;
    }
    return NULL;
}

static int ours(const void *p) {
    const uint8_t *at = p;
    return at >= (const uint8_t *)arena + HDR && at < (const uint8_t *)arena + sizeof(arena) &&
           BLK(OFF(p) - HDR)->tag == TAG_USED;
}

void heap_free(void *p) {
    if (p == NULL || !ours(p)) {
        return;  // not ours, or freed twice: the heap stays intact
    }
    uint32_t off = OFF(p) - HDR;
    block_t *b = BLK(off);
    heap.used -= b->size;
    b->tag = TAG_FREE;
    // Into the list in address order, merged with its neighbours.
    uint32_t prev = NONE, next = heap.free_head;
    while (next != NONE && next < off) {
        prev = next;
        next = BLK(next)->next;
    }
    b->next = next;
    if (next != NONE && off + b->size == next) {
        b->size += BLK(next)->size;
        b->next = BLK(next)->next;
    }
    if (prev == NONE) {
        heap.free_head = off;
    } else if (prev + BLK(prev)->size == off) {
        BLK(prev)->size += b->size;
        BLK(prev)->next = b->next;
    } else {
        BLK(prev)->next = off;
    }
}

size_t heap_block_size(const void *p) {
    return ours(p) ? BLK(OFF(p) - HDR)->size - HDR : 0;
}

void *heap_realloc(void *p, size_t size) {
    if (p == NULL) {
        return heap_alloc(size ? size : 1);
    }
    size_t have = heap_block_size(p);
    if (size <= have) {
        return p;
    }
    void *moved = heap_alloc(size);
    if (moved != NULL) {
        memcpy(moved, p, have);
        heap_free(p);
    }
    return moved;
}

// The booter's blob buffer (hil_vm.h) is a block of this heap, for both
// cores' VM sides: the VM reads the program in place.
uint8_t *hil_vm_blob_alloc(size_t len) {
    blob_block = heap_alloc(len ? len : 1);
    return (uint8_t *)blob_block;
}

uint32_t heap_blob_bytes(const void *blob) {
    return blob != NULL && blob == blob_block ? (uint32_t)heap_block_size(blob) + HDR : 0;
}

size_t hil_vm_blob_max(void) {
    uint32_t best = 0;
    for (uint32_t off = heap.free_head; off != NONE; off = BLK(off)->next) {
        if (BLK(off)->size > best) {
            best = BLK(off)->size;
        }
    }
    return best > HDR ? best - HDR : 0;
}

uint32_t heap_used(void) {
    return heap.used;
}

uint32_t heap_extent(void) {
    return heap.extent;
}
