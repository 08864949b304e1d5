# Board layer: a Linux process whose byte link is stdin/stdout.
# BITS=32 builds the 32-bit host runner (needs gcc-multilib).
BITS ?= 64
ifeq ($(BITS),32)
CFLAGS += -m32
LDFLAGS += -m32
# x86 frames are about 14% larger than the Cortex-M0's for the same Python
# calls (measured: recursion depth 22 against 25 at the m0 limit); scaling
# the limit keeps a 32-bit mirror's recursion depth close to its board's.
CFLAGS += -DHIL_STACK_SCALE_PERCENT=110
endif
CFLAGS += -O2 -g
SANITIZE ?=
ifneq ($(SANITIZE),)
CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
# GCC 12 with ASan miscompiles vm.c's exception path at -O2/-O3 (py.mk's
# CSUPEROPT): every caught exception crashed the runner.
CSUPEROPT = -O1
endif

SRC_C += boards/posix/board.c shared/runtime/gchelper_generic.c

$(BUILD)/firmware.elf: $$(OBJ)
	$(ECHO) "LINK $@"
	$(Q)$(CC) -o $@ $^ $(LDFLAGS) -Wl,--gc-sections -lm
	$(Q)$(SIZE) $@

all: $(BUILD)/firmware.elf
.DEFAULT_GOAL := all
