# Core 1.8.6's part of a build by pikascript/port.mk (PIKA_SIDE=pikascript/v1.8.6):
# what its booter firmware and host runners do differently from 1.14's.
#
# - The VM side: hil_run.c and blob.c of this folder (the core's hooks and
#   formats differ); heap.c is shared. obj_setSysOut and args_setSysOut are
#   wrapped (ld --wrap): the VM prints a failing method's message through
#   them before it tells of the failure, and hil_run.c places it.
# - The parser: 1.8.6 has no PIKA_BYTECODE_ONLY_ENABLE. A booter (COMPILER=0)
#   links noparser.c instead of PikaParser.c; COMPILER=1 keeps the parser.
# - The C library: newlib-nano, as the Booter. The core prints ints with %d
#   and floats with %f; -u _printf_float gives nano's printf the %f it leaves
#   out by default (the mirror's glibc has it). Its float conversions
#   allocate a few small buffers from libc.c's arena (HIL_LIBC_ARENA bytes;
#   the VM's heap is heap.c's).

# Link-time optimisation resolves calls before ld's --wrap sees them (GCC 12,
# measured: every obj_setSysOut call went past the wrapper): no LTO.
ifeq ($(LTO),1)
$(error core 1.8.6's VM side wraps two of the core's functions (ld --wrap), which LTO=1 undoes: build with LTO=0)
endif
LTO = 0

VM_SIDE_C = $(PIKA_SIDE)/hil_run.c $(PIKA_SIDE)/blob.c
BOARD_C = pikascript/libc.c
LIBC_SPECS = --specs=nano.specs
LDFLAGS += -u _printf_float
CFLAGS += -DHIL_LIBC_ARENA=1024
LDFLAGS += -Wl,--wrap=obj_setSysOut -Wl,--wrap=args_setSysOut
CFLAGS += -DHIL_PARSER_LINKED=$(if $(filter 1,$(COMPILER)),1,0)
ifneq ($(COMPILER),1)
PIKA_LEFT_OUT = %/src/PikaParser.c
VM_SIDE_C += $(PIKA_SIDE)/noparser.c
endif
