// The VM profile, C side: what the booter needs from a Python VM.
// Each VM's folder, targets/<vm>/, implements it.
#ifndef HIL_VM_H
#define HIL_VM_H

#include <stddef.h>
#include <stdint.h>
#include "hil_proto.h"

void hil_vm_reset(void);                // fresh VM and heap
uint8_t *hil_vm_blob_alloc(size_t len); // room for a blob, or NULL
size_t hil_vm_blob_max(void);           // the largest blob hil_vm_blob_alloc could give
typedef void (*hil_write_fn)(const char *data, size_t len);

// Load a compiled module from blob[0:len] and run it: the program's output
// goes to out, a traceback or loader error to trace; res gets the outcome,
// cycles and memory figures. The blob may be freed when this returns.
void hil_vm_run(const uint8_t *blob, size_t len, hil_write_fn out, hil_write_fn trace, hil_result_t *res);
// Describe the VM for INFO ("vm=... features=...", and any other key=value
// pairs the VM reports; docs/protocol.md), a piece at a time.
typedef void (*hil_text_fn)(const char *text);
void hil_vm_describe(hil_text_fn emit);

// Provided by the booter: the clock a VM side times its load and run with,
// the board's cycles less those the booter spent sending output. The link's
// pace is not the VM's (a host that reads slowly makes the UART wait), and
// a window timed with this clock leaves out the output sent within it,
// and only that.
uint64_t hil_vm_clock(void);

#endif // HIL_VM_H
