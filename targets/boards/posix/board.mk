# Board layer: a Linux process whose byte link is stdin/stdout.
# BITS=32 builds the 32-bit host runner (needs gcc-multilib).
BITS ?= 64
ifeq ($(BITS),32)
CFLAGS += -m32
LDFLAGS += -m32
endif
CFLAGS += -O2 -g
SANITIZE ?=
ifneq ($(SANITIZE),)
CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZE)
endif

SRC_C += boards/posix/board.c shared/runtime/gchelper_generic.c

$(BUILD)/firmware.elf: $$(OBJ)
	$(ECHO) "LINK $@"
	$(Q)$(CC) -o $@ $^ $(LDFLAGS) -Wl,--gc-sections -lm
	$(Q)$(SIZE) $@

all: $(BUILD)/firmware.elf
.DEFAULT_GOAL := all
