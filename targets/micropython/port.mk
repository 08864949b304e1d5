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
	micropython/gccollect.c \

else ifeq ($(APP),repl)
# A REPL compiles what it is sent. micropython/repl/ comes first on the
# include path: its mpconfigport.h is the shared one plus the REPL's needs.
# readline formats with snprintf: shared/libc/printf.c's, on mp_printf,
# rather than newlib's, which would want a malloc.
override COMPILER := 1
INC += -Imicropython/repl
CFLAGS += -DHIL_APP_REPL=1
QSTR_GLOBAL_DEPENDENCIES += micropython/repl/mpconfigport.h
SRC_C = \
	micropython/repl_main.c \
	micropython/gccollect.c \
	micropython/repl_vfs.c \
	micropython/repl_time.c \
	shared/runtime/pyexec.c \
	shared/runtime/stdout_helpers.c \
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

# The board layer adds its sources, flags and link rule; its rules name
# $$(OBJ), expanded once OBJ is complete.
.SECONDEXPANSION:
include boards/$(BOARD)/board.mk

include common/signing.mk

SRC_QSTR += $(SRC_C)
OBJ = $(PY_CORE_O) $(addprefix $(BUILD)/, $(SRC_C:.c=.o) $(SRC_S:.s=.o))

vpath %.c $(CURDIR)
vpath mpconfigport.h micropython
QSTR_GLOBAL_DEPENDENCIES += micropython/configs/$(CONFIG).h
vpath %.s $(CURDIR) $(TOP)

include $(TOP)/py/mkrules.mk
