# Build a bytecode-hil firmware or host runner from PikaPython's core.
# Run from targets/ (make -C targets -f pikascript/port.mk ...); the harness
# (harness/vms/pikascript/) drives it with:
#   PIKA_DIR  the PikaPython source tree
#   API       glue.mk's output folder: the standard library's C glue
#   BUILD     output folder
#   CONFIG    pikascript/configs/$(CONFIG).h: heap, stack, syntax level
#   BOARD     board layer: boards/$(BOARD)/board.mk
#   COMPILER  1 keeps PikaScript's parser in the firmware (the footprint's twin)
#   PIKA_SIDE the pinned core's own C: pikascript (1.14), pikascript/v1.8.6
#   BUILD_ID  identifier the booter announces
#   APP       the application: booter (default), the loader protocol with
#             hil_run.c; or shell, PikaScript's own shell as stock firmware
#             runs it, parser kept (shell_main.c; Cortex-M0 boards), for the
#             pika-shell transport
# and passes the rest (FLASH_SIZE, BITS, SANITIZE, SIGNING_KEY_FILE, ...) to
# the board layer and common/signing.mk.
#
# The board layers are the same for every VM; this file meets them through
# variables (boards/posix/board.mk and common/cortex_m0.mk describe them):
# VM_CONFIG_HEADER before the board's include; BOARD_ARCH after it; and for
# Cortex-M0 boards LIBC_SPECS, for the full newlib (pikascript/libc.c).

CONFIG ?= host
BOARD ?= posix
COMPILER ?= 0
BUILD_ID ?= dev
APP ?= booter

CC = $(CROSS_COMPILE)gcc
CPP = $(CROSS_COMPILE)gcc -E
SIZE = $(CROSS_COMPILE)size
OBJCOPY = $(CROSS_COMPILE)objcopy
Q = @
ECHO = @echo

CFLAGS += -std=gnu99 -ffunction-sections -fdata-sections -I. -Icommon -Iboards/$(BOARD)
CFLAGS += -DHIL_BUILD_ID='"$(BUILD_ID)"'
# A booter runs bytecode only. PIKA_BYTECODE_ONLY_ENABLE turns
# pika_lines2Bytes, the eval/exec path's way into the parser, into a stub that
# refuses; --gc-sections then leaves the parser out. COMPILER=1 keeps it, to
# measure what trimming it saves (python -m harness footprint).
# The shell compiles what it is typed: it keeps the parser.
ifeq ($(APP),shell)
override COMPILER := 1
CFLAGS += -DHIL_APP_MAIN=hil_shell_main
else ifneq ($(APP),booter)
$(error APP must be booter or shell, not $(APP))
endif
CFLAGS += -DPIKA_BYTECODE_ONLY_ENABLE=$(if $(filter 1,$(COMPILER)),0,1)

# The VM formats numbers with the C library's vsnprintf: the full newlib has
# %lld (newlib-nano prints "ld") and %f without more ado.
LIBC_SPECS =
VM_CONFIG_HEADER = pikascript/configs/$(CONFIG).h

# The pinned core's own C (PIKA_SIDE, core.mk): core 1.14's is this folder;
# another core's folder holds a side.mk saying what its build does
# differently (its VM side, how its parser is left out, its C library).
PIKA_SIDE ?= pikascript
VM_SIDE_C = pikascript/hil_run.c pikascript/blob.c
BOARD_C = pikascript/libc.c
PIKA_LEFT_OUT =
ifneq ($(PIKA_SIDE),pikascript)
include $(PIKA_SIDE)/side.mk
endif
.SECONDEXPANSION:
include boards/$(BOARD)/board.mk
include pikascript/core.mk

ifeq ($(APP),shell)
ifneq ($(PIKA_SIDE),pikascript)
$(error APP=shell is core 1.14's stock firmware (pikascript/shell_main.c), not $(PIKA_SIDE)'s)
endif
ifneq ($(BOARD_ARCH),cortex-m0)
$(error APP=shell is for Cortex-M0 boards: a stock shell's board resets itself)
endif
SRC_C += pikascript/shell_main.c pikascript/heap.c $(PIKA_SRC_C)
else
SRC_C += common/hil_booter.c $(VM_SIDE_C) pikascript/heap.c $(filter-out $(PIKA_LEFT_OUT),$(PIKA_SRC_C))
endif
ifeq ($(BOARD_ARCH),cortex-m0)
SRC_C += $(BOARD_C)
else ifeq ($(BOARD_ARCH),posix)
# -O1, after the board's -O2: PikaScript 1.14's host builds lost raised
# errors silently in 5 of 15 configurations measured at -O2, never at -O1
# or in the Cortex-M0 -Os build. Most of that is the address quirk pad.c
# describes, which -O2's 16-byte function alignment makes likely; the pad
# below rules it out.
CFLAGS += -O1
CFLAGS += -falign-functions=1
# The core as a board builds it: with __linux (GCC's, on the host) it takes
# over the process's signals and terminal, and writes a "\n" to stdout when
# a root object goes, which is the link's.
CFLAGS += -U__linux
else
$(error boards/$(BOARD) declares BOARD_ARCH "$(BOARD_ARCH)": this VM knows cortex-m0 and posix)
endif

ifeq ($(BOARD_ARCH)$(BITS),posix32)
# The 32-bit mirror lays out the VM's structures as the Cortex-M0 build
# does: arm-none-eabi's ABI makes an enum as small as its values, i386's an
# int. With it the mirror's heap figures, and so its MemoryErrors, are the
# board's to the byte. (The VM's files only: the booter and the board layer
# meet the C library's structures.)
$(call pika_objects,$(PIKA_SRC_C) $(VM_SIDE_C) pikascript/heap.c): CFLAGS += -fshort-enums
endif

include common/signing.mk

VM_OBJ = $(call pika_objects,$(SRC_C) $(SRC_S))
OBJ = $(VM_OBJ)
# The booter includes the key header a signed build generates.
$(call pika_objects,common/hil_booter.c): $(HIL_KEY_HEADER)

ifeq ($(BOARD_ARCH),posix)
# The host runner is linked behind pad.c, grown a byte at a time until its
# INFO names no constructor that would raise nothing (pad.c). Functions are
# not aligned, so a byte of pad moves them all: aligned to 16 bytes, as
# GCC's x86 code is by default, a pad moves them only by 16, and with some
# thirty constructors no such move kept every one off an address ending in 00.
PAD_OBJ = $(BUILD)/pad.o
# Referenced, or --gc-sections drops it, and its bytes with it.
LDFLAGS += -Wl,-u,hil_pad
$(PAD_OBJ): $(VM_OBJ) pikascript/pad.c
	$(ECHO) "PAD $@"
	$(Q)pad=0; while :; do \
		$(CC) $(CFLAGS) -DHIL_PAD=$$pad -c pikascript/pad.c -o $@ && \
		$(CC) -o $(BUILD)/pad-probe $@ $(VM_OBJ) $(LDFLAGS) -Wl,--gc-sections $(HOST_LIBM) || exit 1; \
		$(BUILD)/pad-probe --describe | grep -q ' silent_raise=' || break; \
		pad=$$((pad + 1)); \
		[ $$pad -le 256 ] || { echo "no pad of up to 256 bytes keeps every raise" >&2; exit 1; }; \
	done; rm -f $(BUILD)/pad-probe
OBJ = $(PAD_OBJ) $(VM_OBJ)
endif
