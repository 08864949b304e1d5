# Board layer: QEMU's -M microbit, an nRF51822 (Cortex-M0), in two memory
# shapes. The harness passes CONFIG; the rest default from it:
#   FLASH_SIZE      flash, bytes: QEMU's -global nrf51-soc.flash-size
#   RAM_SIZE        SRAM, bytes: QEMU's -global nrf51-soc.sram-size
#   BOARD_NAME      what the booter announces (default qemu-$(CONFIG))
#   STACK_HEADROOM  stack the link requires beyond the config's
#                   HIL_STACK_LIMIT, bytes (default 768)
#   HIL_CHUNK_MAX   largest DATA payload (2048 from 32 KiB of RAM, else 256)
#   LTO             1: link-time optimisation (default 1 for g030 only)
# The shapes, with the QEMU options that match them:
#   qemu-m0    CONFIG=m0    FLASH_SIZE=262144 RAM_SIZE=131072
#              -global nrf51-soc.flash-size=262144 -global nrf51-soc.sram-size=131072
#   qemu-g030  CONFIG=g030  FLASH_SIZE=65536 RAM_SIZE=8192
#              -global nrf51-soc.flash-size=65536 -global nrf51-soc.sram-size=8192
# QEMU 7.2 does not bound sram-size (it maps whatever it is given at
# 0x20000000); 128 KiB holds m0's 64 KiB heap and a roomy stack.
# The link fails when the firmware does not fit FLASH_SIZE, or RAM_SIZE
# leaves less than HIL_STACK_LIMIT + STACK_HEADROOM of stack.
# Output: $(BUILD)/firmware.elf, $(BUILD)/firmware.bin and
# $(BUILD)/qemu-args (the -global options for this shape).

CROSS_COMPILE ?= arm-none-eabi-
ifeq ($(CONFIG),g030)
FLASH_SIZE ?= 65536
RAM_SIZE ?= 8192
LTO ?= 1
else
FLASH_SIZE ?= 262144
RAM_SIZE ?= 131072
LTO ?= 0
endif
BOARD_NAME ?= qemu-$(CONFIG)
STACK_HEADROOM ?= 768

# Frames of up to 2 KiB where RAM allows: fewer round trips per blob.
ifeq ($(shell test $(RAM_SIZE) -ge 32768 && echo big),big)
HIL_CHUNK_MAX ?= 2048
else
HIL_CHUNK_MAX ?= 256
endif

CPUFLAGS = -mcpu=cortex-m0 -mthumb
# NDEBUG: assert() would bring newlib's __assert_func and printf with it.
CFLAGS += $(CPUFLAGS) -Os -g -DNDEBUG -fno-common
CFLAGS += -DHIL_BOARD_NAME='"$(BOARD_NAME)"' -DHIL_CHUNK_MAX=$(HIL_CHUNK_MAX)
# nlr_push ends in a Thumb-1 branch of +-2 KiB to nlr_push_tail; with
# function sections, and more so with LTO, nothing keeps the two that close.
CFLAGS += -DMICROPY_NLR_THUMB_USE_LONG_JUMP=1
# py.mk builds vm.c and gc.c with -O3 for speed; on flash this small every
# byte counts, and -Os keeps all shapes compiled alike.
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

SRC_C += \
	boards/qemu-microbit/board.c \
	boards/qemu-microbit/startup.c \
	common/cortex_m0.c \
	shared/runtime/gchelper_native.c \

SRC_S += shared/runtime/gchelper_thumb1.s

LD_TEMPLATE = boards/qemu-microbit/firmware.ld.in
LD_DEFS = -DFLASH_SIZE=$(FLASH_SIZE) -DRAM_SIZE=$(RAM_SIZE) -DSTACK_HEADROOM=$(STACK_HEADROOM)
LD_DEFS += -DHIL_CONFIG_HEADER='"configs/$(CONFIG).h"' -Imicropython
QEMU_ARGS = -global nrf51-soc.flash-size=$(FLASH_SIZE) -global nrf51-soc.sram-size=$(RAM_SIZE)

# qemu-args doubles as the shape's stamp: rewritten only when the sizes
# change, it relinks a BUILD folder given new sizes.
$(BUILD)/qemu-args: hil-shape-check
	$(Q)mkdir -p $(@D)
	$(Q)echo "$(QEMU_ARGS)" | cmp -s - $@ || echo "$(QEMU_ARGS)" > $@
.PHONY: hil-shape-check
hil-shape-check:

$(BUILD)/firmware.ld: $(LD_TEMPLATE) micropython/configs/$(CONFIG).h boards/qemu-microbit/board.mk $(BUILD)/qemu-args
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

all: $(BUILD)/firmware.bin $(BUILD)/qemu-args
.DEFAULT_GOAL := all
