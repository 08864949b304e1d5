// The garbage collector's root scan, shared by the booter and the REPL
// application: registers and the C stack hold the only roots beside the
// VM's own state.
#include "py/gc.h"
#include "shared/runtime/gchelper.h"

void gc_collect(void) {
    gc_collect_start();
    gc_helper_collect_regs_and_stack();
    gc_collect_end();
}
