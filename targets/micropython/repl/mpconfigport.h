// The REPL variant's configuration (APP=repl in port.mk, which puts this
// folder on the include path ahead of micropython/): the shared
// configuration, unchanged, plus what a firmware that behaves like stock
// MicroPython needs on top: its compiler and REPL, imports through a
// Python-level VFS (repl_vfs.c), and output cooked as stock ports cook it.
// Everything else, the VM features and the heap included, stays the
// configuration's, so the variant runs cases like the booter it shadows.
#include "../mpconfigport.h"

// A REPL compiles what it is sent (port.mk also forces COMPILER=1).
#undef MICROPY_ENABLE_COMPILER
#define MICROPY_ENABLE_COMPILER (1)
#undef MICROPY_HELPER_REPL
#define MICROPY_HELPER_REPL (1)

// import finds modules through the mounted Python-level VFS objects, and
// reads .mpy and .py files through them (repl_vfs.c provides the hooks
// extmod's VFS would: mp_import_stat, mp_reader_new_file, open).
#undef MICROPY_ENABLE_EXTERNAL_IMPORT
#define MICROPY_ENABLE_EXTERNAL_IMPORT (1)
#define MICROPY_READER_VFS (1)

// Raw-paste mode lets the host send this much, half at a time, before the
// device asks for more. Stock ports keep the default 256, which a UART at
// 115200 baud fills in 22 ms; QEMU's serial has no baud rate, so the round
// trips would be all the time a transfer takes.
#define MICROPY_REPL_STDIN_BUFFER_MAX (2048)

// Stock ports send "\n" as "\r\n" on the console; so does this one, so the
// raw-REPL transport's handling of it runs in CI.
#undef MP_PLAT_PRINT_STRN
#define MP_PLAT_PRINT_STRN(str, len) mp_hal_stdout_tx_strn_cooked(str, len)

// sys.implementation._machine reads "<board> with <config> build <id>": the
// transport reports the board and the build from it.
#ifdef HIL_BOARD_NAME
#undef MICROPY_HW_BOARD_NAME
#define MICROPY_HW_BOARD_NAME HIL_BOARD_NAME
#endif
#undef MICROPY_HW_MCU_NAME
#define MICROPY_HW_MCU_NAME HIL_CONFIG_NAME " build " HIL_BUILD_ID
