# Build rules every Cortex-M0/M0+ board shares. A board's board.mk sets
# CPUFLAGS, LD_TEMPLATE (its linker script, run through the preprocessor
# with the sizes and the VM configuration), SHAPE (anything else that must
# relink the firmware when it changes), FLASH_SIZE, RAM_SIZE, STACK_HEADROOM,
# BOARD_NAME, HIL_CHUNK_MAX and LTO, adds its own sources, then includes
# this file. Output: $(BUILD)/firmware.elf, firmware.bin and firmware.hex.
# MAILBOX=0 leaves out the RAM mailbox a debug probe can push blobs into
# (docs/protocol.md, "Pushing over SWD"); hil_board_rx_ready() is then unused.

MAILBOX ?= 1

# NDEBUG: assert() would bring newlib's __assert_func and printf with it.
CFLAGS += $(CPUFLAGS) -Os -g -DNDEBUG -fno-common
CFLAGS += -DHIL_BOARD_NAME='"$(BOARD_NAME)"' -DHIL_CHUNK_MAX=$(HIL_CHUNK_MAX) -DHIL_MAILBOX=$(MAILBOX)
# nlr_push ends in a Thumb-1 branch of +-2 KiB to nlr_push_tail; with
# function sections, and more so with LTO, nothing keeps the two that close.
CFLAGS += -DMICROPY_NLR_THUMB_USE_LONG_JUMP=1
# py.mk builds vm.c and gc.c with -O3 for speed; on flash this small every
# byte counts, and -Os keeps every board compiled alike.
CSUPEROPT = -Os
AFLAGS += $(CPUFLAGS)
ifeq ($(LTO),1)
CFLAGS += -flto
# The link step generates the code, so it needs the code generation flags.
LDFLAGS += -flto=auto -Os
endif
LDFLAGS += $(CPUFLAGS) -nostartfiles --specs=nano.specs -Wl,--gc-sections
LDFLAGS += -Wl,-Map=$(BUILD)/firmware.map
LIBS = -lm -lc -lgcc

SRC_C += common/cortex_m0.c shared/runtime/gchelper_native.c
SRC_S += shared/runtime/gchelper_thumb1.s

LD_DEFS = -DFLASH_SIZE=$(FLASH_SIZE) -DRAM_SIZE=$(RAM_SIZE) -DSTACK_HEADROOM=$(STACK_HEADROOM)
LD_DEFS += -DHIL_CONFIG_HEADER='"configs/$(CONFIG).h"' -Imicropython

# board-shape is the stamp of the sizes and the board's own settings:
# rewritten only when they change, it relinks a BUILD folder given new
# values (make does not follow changed flags by itself).
$(BUILD)/board-shape: hil-shape-check
	$(Q)mkdir -p $(@D)
	$(Q)echo "$(LD_DEFS) $(SHAPE)" | cmp -s - $@ || echo "$(LD_DEFS) $(SHAPE)" > $@
.PHONY: hil-shape-check
hil-shape-check:

$(BUILD)/firmware.ld: $(LD_TEMPLATE) micropython/configs/$(CONFIG).h boards/$(BOARD)/board.mk $(BUILD)/board-shape
	$(ECHO) "GEN $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CPP) -P -x c $(LD_DEFS) $< -o $@

$(BUILD)/firmware.elf: $$(OBJ) $(BUILD)/firmware.ld
	$(ECHO) "LINK $@"
	$(Q)$(CC) -o $@ $(filter %.o,$^) -T $(BUILD)/firmware.ld $(LDFLAGS) $(LIBS)
	$(Q)$(SIZE) $@
	$(Q)$(SIZE) -A $@ | awk '$$1 == ".stack" { print "stack: " $$2 " bytes of RAM (counted in bss above)" }'

$(BUILD)/firmware.bin: $(BUILD)/firmware.elf
	$(Q)$(OBJCOPY) -O binary $< $@

$(BUILD)/firmware.hex: $(BUILD)/firmware.elf
	$(Q)$(OBJCOPY) -O ihex $< $@

all: $(BUILD)/firmware.bin $(BUILD)/firmware.hex
.DEFAULT_GOAL := all
