# Board layer: a Linux process whose byte link is stdin/stdout.
#   BITS      64 (default) or 32: the 32-bit host runner (needs gcc-multilib)
#   SANITIZE  sanitizers to build with (-fsanitize=...), e.g. address,undefined
#   LIBM      the math library: host (default), the host's own; or newlib,
#             the Cortex-M0 boards' newlib libm built from the same source
#             for the host (newlib-libm.mk): a mirror of a board must run
#             the board's math code, where glibc's answers differ at special
#             values (pow(-1, nan), tgamma(-inf), ...). NEWLIB_LIBM names
#             that archive; the harness builds it once per cache
#             (harness/newlib.py). A mirror's target file asks for it, as
#             it names what it predicts; BITS=32 alone does not imply it.
# What this layer declares, for the VM's make fragment to read once the
# board is included:
#   BOARD_ARCH  posix: the VM adds its sources and flags for a hosted build
#   OPT_HOT     the optimisation level for the VM's hot files (interpreter
#               loop, collector): empty, the VM's own choice, except with
#               SANITIZE (below)
#   HOST_LIBM   the libm to link, for a VM's fragment that links a program
#               of its own objects
# and, with BITS=32, CFLAGS' HIL_STACK_SCALE_PERCENT, by which the VM scales
# its HIL_STACK_LIMIT (below).
# What it needs from the VM's make fragment (targets/<vm>/port.mk): OBJ
# (every object, expanded once complete: .SECONDEXPANSION), CC, SIZE, Q and
# ECHO, and the rules that compile SRC_C into $(BUILD)/<source>.o. main()
# calls HIL_APP_MAIN (hil_board.h): the booter unless the VM's fragment
# names another entry.
# Output: $(BUILD)/firmware.elf, the host runner.

BOARD_ARCH := posix
OPT_HOT :=
BITS ?= 64
ifeq ($(BITS),32)
CFLAGS += -m32
LDFLAGS += -m32
# x86 frames are larger than the Cortex-M0's for the same Python calls, by
# a ratio that differs by code path (calls through print and __str__ more
# than plain recursion). Of 110% to 150% in steps of 10, 120% is the smallest at
# which no case of ours nor any of 339 test scripts of the VM's own suite
# (MicroPython's, where it was measured) ran out of stack on host32 but not
# on qemu-g030; 110% left six such scripts. Mismatches that remain are
# judged as the target's own limit (harness/verdict.py).
CFLAGS += -DHIL_STACK_SCALE_PERCENT=$(STACK_SCALE)
endif
STACK_SCALE ?= 120
CFLAGS += -O2 -g
# Floating point rounded as the Cortex-M0's soft-float rounds it (fp.mk).
include boards/posix/fp.mk
CFLAGS += $(FP_CFLAGS)

LIBM ?= host
ifeq ($(LIBM),host)
HOST_LIBM := -lm
else ifeq ($(LIBM),newlib)
ifeq ($(wildcard $(NEWLIB_LIBM)),)
$(error LIBM=newlib links the archive NEWLIB_LIBM names, and "$(NEWLIB_LIBM)" is no file (make -f boards/posix/newlib-libm.mk builds it))
endif
HOST_LIBM := $(NEWLIB_LIBM)
else
$(error LIBM must be host or newlib, not "$(LIBM)")
endif
SANITIZE ?=
ifneq ($(SANITIZE),)
CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
# GCC 12 with ASan has miscompiled an interpreter loop's exception path at
# -O2/-O3 (MicroPython's vm.c, for one): every caught exception crashed the
# runner.
OPT_HOT := -O1
endif

SRC_C += boards/posix/board.c

$(BUILD)/firmware.elf: $$(OBJ)
	$(ECHO) "LINK $@"
	$(Q)$(CC) -o $@ $^ $(LDFLAGS) -Wl,--gc-sections $(HOST_LIBM)
	$(Q)$(SIZE) $@

all: $(BUILD)/firmware.elf
.DEFAULT_GOAL := all
