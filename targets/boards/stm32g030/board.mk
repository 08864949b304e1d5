# Board layer: the STM32G030 (Cortex-M0+ at 64 MHz from HSI16 and the PLL,
# 64 KiB flash at 0x08000000, 8 KiB SRAM at 0x20000000), flashed through
# SWD (harness/launchers/pyocd.py) and driven over a USART at 115200 8N1.
# Built with CONFIG=g030, it is qemu-g030's real counterpart: same VM
# configuration, heap, stack limit, stack headroom check and chunk size.
# Variables (the harness passes a target's `make` table):
#   FLASH_SIZE      flash, bytes (65536: the G030x8 parts)
#   RAM_SIZE        SRAM, bytes (8192)
#   STACK_HEADROOM  stack the link requires beyond the config's
#                   HIL_STACK_LIMIT, bytes (768, as qemu-microbit)
#   BOARD_NAME      what the booter announces (stm32g030)
#   UART            1: USART1, TX PA9 / RX PA10 (default)
#                   2: USART2, TX PA2 / RX PA3
#   UART_TX UART_RX pins as port letter and number (A9, B6, ...), overriding
#                   the UART's defaults; UART_AF their alternate function
#                   (1 for both defaults; see the datasheet's AF table)
#   LTO             1: link-time optimisation (default 1)
# The link fails when the firmware does not fit FLASH_SIZE, or RAM_SIZE
# leaves less than HIL_STACK_LIMIT + STACK_HEADROOM of stack.
# Output: $(BUILD)/firmware.elf, firmware.bin (the image from 0x08000000)
# and firmware.hex.
# The rules, and what they need from the VM's make fragment and declare
# for it: common/cortex_m0.mk.

CROSS_COMPILE ?= arm-none-eabi-
FLASH_SIZE ?= 65536
RAM_SIZE ?= 8192
STACK_HEADROOM ?= 768
BOARD_NAME ?= stm32g030
HIL_CHUNK_MAX ?= 256
LTO ?= 1

UART ?= 1
ifeq ($(UART),1)
UART_TX ?= A9
UART_RX ?= A10
else ifeq ($(UART),2)
UART_TX ?= A2
UART_RX ?= A3
else
$(error UART must be 1 (USART1) or 2 (USART2), not $(UART))
endif
UART_AF ?= 1
# A9 -> port index 0 (GPIOA ... GPIOF = 0 1 2 3 - 5), pin 9.
hil_port = $(or $(if $(filter A%,$1),0),$(if $(filter B%,$1),1),$(if $(filter C%,$1),2),$(if $(filter D%,$1),3),$(if $(filter F%,$1),5),$(error bad pin $1: a port letter A-D or F and a number, e.g. A9))
hil_pin = $(patsubst A%,%,$(patsubst B%,%,$(patsubst C%,%,$(patsubst D%,%,$(patsubst F%,%,$1)))))
UART_DEFS = -DHIL_UART=$(UART) -DHIL_UART_AF=$(UART_AF)
UART_DEFS += -DHIL_UART_TX_PORT=$(call hil_port,$(UART_TX)) -DHIL_UART_TX_PIN=$(call hil_pin,$(UART_TX))
UART_DEFS += -DHIL_UART_RX_PORT=$(call hil_port,$(UART_RX)) -DHIL_UART_RX_PIN=$(call hil_pin,$(UART_RX))

# The M0+ runs the same Thumb-1 code as qemu-g030's Cortex-M0; GCC 12
# generates the same code for both.
CPUFLAGS = -mcpu=cortex-m0plus -mthumb
LD_TEMPLATE = boards/stm32g030/firmware.ld.in
SHAPE = $(UART_DEFS)

SRC_C += \
	boards/stm32g030/board.c \
	boards/stm32g030/startup.c \

$(BUILD)/boards/stm32g030/board.o: CFLAGS += $(UART_DEFS)
$(BUILD)/boards/stm32g030/board.o: $(BUILD)/board-shape

include common/cortex_m0.mk
