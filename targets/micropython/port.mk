# Build a bytecode-hil firmware or host runner from MicroPython's core.
# Run from targets/ (make -C targets -f micropython/port.mk ...); the harness
# (harness/build.py) drives it with:
#   MPY_DIR   MicroPython source tree (py/, shared/)
#   BUILD     output folder
#   CONFIG    feature profile: micropython/configs/$(CONFIG).h
#   BOARD     board layer: boards/$(BOARD)/board.mk
#   COMPILER  1 keeps MicroPython's compiler in the firmware (for footprint comparison)
#   BUILD_ID  identifier the booter announces
#   APP       the application: booter (default), the loader protocol and
#             hil_run.c; or repl, MicroPython's REPL as stock firmware has it
#             (repl_*.c; boards/qemu-microbit only), for the raw-REPL transport
# and passes the rest (FLASH_SIZE, BITS, SANITIZE, SIGNING_KEY_FILE, ...) to
# the board layer and common/signing.mk.
#
# The board layers are the same for every VM; this file meets them through
# variables (the boards' board.mk and common/cortex_m0.mk describe them):
#   it sets, before including the board:
#     VM_CONFIG_HEADER  the configuration header, from targets/, whose
#                       HIL_STACK_LIMIT the linker script checks RAM against
#   the board declares, for what follows its include:
#     BOARD_ARCH        cortex-m0 or posix: picks the sources and flags below
#     OPT_HOT           optimisation for vm.c and gc.c (py.mk's CSUPEROPT);
#                       empty keeps py.mk's -O3
#   it sets after the board: OBJ, and the rules (py/mkrules.mk); and in
#   CFLAGS, HIL_APP_MAIN=hil_repl_main for APP=repl (the booter otherwise).

ifeq ($(MPY_DIR),)
$(error MPY_DIR must name a MicroPython source tree)
endif
CONFIG ?= host
BOARD ?= posix
COMPILER ?= 0
BUILD_ID ?= dev
APP ?= booter

include $(MPY_DIR)/py/mkenv.mk

QSTR_DEFS = micropython/qstrdefsport.h
MICROPY_ROM_TEXT_COMPRESSION ?= 0

include $(TOP)/py/py.mk

ifeq ($(APP),booter)
SRC_C = \
	common/hil_booter.c \
	micropython/hil_run.c \
	micropython/hil_modules.c \
	micropython/hil_stdio.c \
	micropython/gccollect.c \

else ifeq ($(APP),repl)
# A REPL compiles what it is sent. micropython/repl/ comes first on the
# include path: its mpconfigport.h is the shared one plus the REPL's needs.
# readline formats with snprintf: shared/libc/printf.c's, on mp_printf,
# rather than newlib's, which would want a malloc.
override COMPILER := 1
INC += -Imicropython/repl
CFLAGS += -DHIL_APP_MAIN=hil_repl_main
QSTR_GLOBAL_DEPENDENCIES += micropython/repl/mpconfigport.h
SRC_C = \
	micropython/repl_main.c \
	micropython/gccollect.c \
	micropython/repl_vfs.c \
	micropython/repl_time.c \
	shared/runtime/pyexec.c \
	shared/runtime/stdout_helpers.c \
	shared/runtime/sys_stdio_mphal.c \
	shared/readline/readline.c \
	shared/libc/printf.c \

else
$(error APP must be booter or repl, not $(APP))
endif

INC += -I. -Icommon -Imicropython -Iboards/$(BOARD) -I$(TOP) -I$(BUILD)

CFLAGS += $(INC) -std=gnu99 -Wall -Werror -Wextra -Wno-unused-parameter -Wpointer-arith
CFLAGS += -fdata-sections -ffunction-sections
CFLAGS += -DHIL_CONFIG_HEADER='"configs/$(CONFIG).h"' -DHIL_ENABLE_COMPILER=$(COMPILER)
CFLAGS += -DHIL_BUILD_ID='"$(BUILD_ID)"'
# The same source builds the same bytes in any cache folder (a host
# runner's assert messages carry __FILE__; every build its debug info).
CFLAGS += -ffile-prefix-map=$(abspath $(MPY_DIR))=micropython
include common/reproducible.mk

# The board layer adds its sources, flags and link rule; its rules name
# $$(OBJ), expanded once OBJ is complete. Its linker script checks RAM
# against the configuration's HIL_STACK_LIMIT.
VM_CONFIG_HEADER = micropython/configs/$(CONFIG).h
.SECONDEXPANSION:
include boards/$(BOARD)/board.mk

# What the board's architecture asks of MicroPython: the collector's scan
# of the registers for roots and, on Thumb-1, nlr's long jump.
ifeq ($(BOARD_ARCH),cortex-m0)
# nlr_push ends in a Thumb-1 branch of +-2 KiB to nlr_push_tail; with
# function sections, and more so with LTO, nothing keeps the two that close.
CFLAGS += -DMICROPY_NLR_THUMB_USE_LONG_JUMP=1
SRC_C += shared/runtime/gchelper_native.c
SRC_S += shared/runtime/gchelper_thumb1.s
else ifeq ($(BOARD_ARCH),posix)
SRC_C += shared/runtime/gchelper_generic.c
else
$(error boards/$(BOARD) declares BOARD_ARCH "$(BOARD_ARCH)": this VM knows cortex-m0 and posix)
endif
# py.mk builds vm.c and gc.c with CSUPEROPT, -O3 for speed, unless the
# board asks otherwise (-Os on flash this small, -O1 under ASan).
ifneq ($(OPT_HOT),)
CSUPEROPT = $(OPT_HOT)
endif

include common/signing.mk
# The qstr scan preprocesses hil_booter.c, which includes the key header.
QSTR_GLOBAL_REQUIREMENTS += $(HIL_KEY_HEADER)

SRC_QSTR += $(SRC_C)
OBJ = $(PY_CORE_O) $(addprefix $(BUILD)/, $(SRC_C:.c=.o) $(SRC_S:.s=.o))

vpath %.c $(CURDIR)
vpath mpconfigport.h micropython
QSTR_GLOBAL_DEPENDENCIES += $(VM_CONFIG_HEADER)
vpath %.s $(CURDIR) $(TOP)

include $(TOP)/py/mkrules.mk
