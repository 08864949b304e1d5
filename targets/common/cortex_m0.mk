# Build rules every Cortex-M0/M0+ board shares, for whichever VM is built.
# Output: $(BUILD)/firmware.elf, firmware.bin and firmware.hex.
#
# The board's board.mk sets CPUFLAGS, LD_TEMPLATE (its linker script, run
# through the preprocessor with the sizes and the VM's configuration
# header), SHAPE (anything else that must relink the firmware when it
# changes), FLASH_SIZE, RAM_SIZE, STACK_HEADROOM, BOARD_NAME, HIL_CHUNK_MAX
# and LTO, adds its own sources, then includes this file.
#
# What this layer declares, for the VM's make fragment to read once the
# board is included:
#   BOARD_ARCH  cortex-m0: the VM adds its sources and flags for the
#               architecture (Thumb-1 code, its own register scanning, ...)
#   OPT_HOT     the optimisation level for the VM's hot files (interpreter
#               loop, collector) where the VM would pick a faster one: -Os.
#               On flash this small every byte counts, and it keeps every
#               board compiled alike.
# What it needs from the VM's make fragment (targets/<vm>/port.mk):
#   VM_CONFIG_HEADER  set before the board is included: the header, as a
#               path from targets/, that defines HIL_STACK_LIMIT for the
#               linker script's checks; #defines only, as the linker script
#               takes whatever else it holds as its own text
#   OBJ         every object, expanded once complete (.SECONDEXPANSION)
#   the toolchain variables CC, CPP, SIZE, OBJCOPY, Q and ECHO, expanded
#   only when used (the board sets CROSS_COMPILE after the VM's set-up), and
#   the rules that compile SRC_C (with CFLAGS) and SRC_S (with AFLAGS) into
#   $(BUILD)/<source>.o
#   LIBC_SPECS  (optional) empty for the full newlib instead of newlib-nano
# The start-up calls HIL_APP_MAIN (hil_board.h): the booter unless the VM's
# fragment names another entry with -DHIL_APP_MAIN=<function> in CFLAGS.
# MAILBOX=0 leaves out the RAM mailbox a debug probe can push blobs into
# (docs/protocol.md, "Pushing over SWD"); hil_board_rx_ready() is then unused.

ifeq ($(VM_CONFIG_HEADER),)
$(error VM_CONFIG_HEADER must name the VM's configuration header, for the linker script)
endif

BOARD_ARCH := cortex-m0
OPT_HOT := -Os
MAILBOX ?= 1
# The C library: newlib-nano, unless the VM's fragment asks for the full
# newlib (LIBC_SPECS empty; it then provides what that wants, _sbrk).
LIBC_SPECS ?= --specs=nano.specs

# NDEBUG: assert() would bring newlib's __assert_func and printf with it.
CFLAGS += $(CPUFLAGS) -Os -g -DNDEBUG -fno-common
CFLAGS += -DHIL_BOARD_NAME='"$(BOARD_NAME)"' -DHIL_CHUNK_MAX=$(HIL_CHUNK_MAX) -DHIL_MAILBOX=$(MAILBOX)
AFLAGS += $(CPUFLAGS)
ifeq ($(LTO),1)
CFLAGS += -flto
# The link step generates the code, so it needs the code generation flags.
LDFLAGS += -flto=auto -Os
endif
LDFLAGS += $(CPUFLAGS) -nostartfiles $(LIBC_SPECS) -Wl,--gc-sections
LDFLAGS += -Wl,-Map=$(BUILD)/firmware.map
LIBS = -lm -lc -lgcc

SRC_C += common/cortex_m0.c

# -I.: the config header is named from targets/, and the preprocessor looks
# for a quoted include beside the including file (boards/<board>/) first.
LD_DEFS = -DFLASH_SIZE=$(FLASH_SIZE) -DRAM_SIZE=$(RAM_SIZE) -DSTACK_HEADROOM=$(STACK_HEADROOM)
LD_DEFS += -DHIL_VM_CONFIG='"$(VM_CONFIG_HEADER)"' -I.

# board-shape is the stamp of the sizes and the board's own settings:
# rewritten only when they change, it relinks a BUILD folder given new
# values (make does not follow changed flags by itself).
$(BUILD)/board-shape: hil-shape-check
	$(Q)mkdir -p $(@D)
	$(Q)echo "$(LD_DEFS) $(SHAPE)" | cmp -s - $@ || echo "$(LD_DEFS) $(SHAPE)" > $@
.PHONY: hil-shape-check
hil-shape-check:

$(BUILD)/firmware.ld: $(LD_TEMPLATE) $(VM_CONFIG_HEADER) boards/$(BOARD)/board.mk $(BUILD)/board-shape
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
