// MicroPython configuration shared by every bytecode-hil build. The feature
// profile (configs/<name>.h, chosen by CONFIG in port.mk) comes first and sets
// what differs between targets: float, long ints, modules, heap size.
#include <stdint.h>

#include HIL_CONFIG_HEADER

// A booter runs pre-compiled bytecode only; COMPILER=1 builds the twin with
// the parser kept, to measure what trimming it saves.
#define MICROPY_ENABLE_COMPILER (HIL_ENABLE_COMPILER)
#define MICROPY_PERSISTENT_CODE_LOAD (1)
#define MICROPY_ENABLE_GC (1)
#define MICROPY_HELPER_REPL (0)
// HIL_MODULES (set by the configuration): import finds helper modules sent
// with the program in a bundle blob (hil_modules.c). Off, import finds only
// built-in modules.
#ifndef HIL_MODULES
#define HIL_MODULES (0)
#endif
#define MICROPY_ENABLE_EXTERNAL_IMPORT (HIL_MODULES)
#define MICROPY_READER_POSIX (0)
#if HIL_MODULES
#define MICROPY_HAS_FILE_READER (1)
#endif
#define MICROPY_STACK_CHECK (1)
#define MICROPY_ENABLE_SOURCE_LINE (1)
// sys.stdin/stdout/stderr: hil_stdio.c for the booter, on the
// configurations that set it (it costs flash the g030 has not got).
#ifndef MICROPY_PY_SYS_STDFILES
#define MICROPY_PY_SYS_STDFILES (0)
#endif
#define MICROPY_PY_SYS_PLATFORM "bytecode-hil"
#define MICROPY_HW_BOARD_NAME "bytecode-hil"
#define MICROPY_HW_MCU_NAME HIL_CONFIG_NAME
// Modules whose sources live in extmod/, which the pinned source lacks.
#define MICROPY_PY_OS (0)
#define MICROPY_PY_TIME (0)
#define MICROPY_PY_JSON (0)
#define MICROPY_PY_RE (0)
#define MICROPY_PY_RANDOM (0)
#define MICROPY_PY_HEAPQ (0)
#define MICROPY_PY_BINASCII (0)
#define MICROPY_PY_HASHLIB (0)
#define MICROPY_PY_SELECT (0)
#define MICROPY_PY_PLATFORM (0)
#define MICROPY_PY_DEFLATE (0)
#define MICROPY_PY_FRAMEBUF (0)
#define MICROPY_PY_MACHINE (0)
#define MICROPY_PY_ERRNO (0)
#define MICROPY_PY_UCTYPES (0)
#define MICROPY_PY_ASYNCIO (0)
#define MICROPY_PY_CRYPTOLIB (0)
#define MICROPY_PY_WEBSOCKET (0)
#define MICROPY_PY_SOCKET (0)
#define MICROPY_PY_LWIP (0)
#define MICROPY_PY_BTREE (0)
#define MICROPY_PY_VFS (0)
#define MICROPY_VFS (0)

#define MICROPY_PY_BUILTINS_INPUT (0) // stdin carries the protocol
#define MICROPY_ALLOC_PATH_MAX (64)
#define MP_PLAT_PRINT_STRN(str, len) mp_hal_stdout_tx_strn(str, len)

typedef intptr_t mp_int_t;
typedef uintptr_t mp_uint_t;
typedef long mp_off_t;
// The default is SSIZE_MAX, which newlib's limits.h lacks; ssize_t is as wide
// as intptr_t on every target built here, so the value is unchanged on posix.
#define MP_SSIZE_MAX (INTPTR_MAX)

#define MP_STATE_PORT MP_STATE_VM

#include <alloca.h>
