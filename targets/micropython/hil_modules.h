// Helper modules a program imports, sent with it in one bundle blob
// (docs/protocol.md, "Bundles"), and found by import from RAM.
#ifndef HIL_MODULES_H
#define HIL_MODULES_H

#include <stddef.h>
#include <stdint.h>

#include "py/reader.h"

// How many helper modules one bundle may carry.
#define HIL_MODULES_MAX 16

// If blob[0:len] is a bundle, register its modules and narrow blob and len to
// the main program; raises ValueError for a malformed bundle. A plain .mpy is
// left as it is. Returns the number of modules registered.
size_t hil_modules_unpack(const uint8_t **blob, size_t *len);
// Forget the registered modules (a fresh VM).
void hil_modules_clear(void);

// A reader over data[0:len] that raises at its end (hil_run.c).
void hil_reader_init(mp_reader_t *reader, void *state, const uint8_t *data, size_t len);
typedef struct _hil_blob_reader_t {
    const uint8_t *cur;
    const uint8_t *end;
} hil_blob_reader_t;

#endif // HIL_MODULES_H
