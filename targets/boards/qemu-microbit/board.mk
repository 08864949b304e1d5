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
# Output: $(BUILD)/firmware.elf, firmware.bin and firmware.hex.
# The rules, and what they need from the VM's make fragment and declare
# for it: common/cortex_m0.mk.

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
LD_TEMPLATE = boards/qemu-microbit/firmware.ld.in
SHAPE =

SRC_C += \
	boards/qemu-microbit/board.c \
	boards/qemu-microbit/startup.c \

include common/cortex_m0.mk
