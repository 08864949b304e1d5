# newlib's libm for the host: the math code a Cortex-M0 board links, built
# from the same source for the posix board layer's LIBM=newlib (board.mk).
# Run from targets/ (make -C targets -f boards/posix/newlib-libm.mk ...);
# the harness (harness/newlib.py) drives it once per cache with:
#   NEWLIB_DIR    the unpacked newlib source (Debian's newlib-source): the
#                 folder holding newlib/libm and newlib/libc/include
#   ARM_LIBM      the libm.a the boards link (arm-none-eabi's, for ARM_CPUFLAGS)
#   ARM_CPUFLAGS  the boards' CPU, for the preprocessor (every Cortex-M0/M0+
#                 board links the same thumb/v6-m/nofp multilib)
#   BITS          32 or 64, as board.mk's
#   BUILD         output folder
# Output: $(BUILD)/libm.a.
#
# By construction, from the board's own archive: its objects carry their
# source file and compiler options (DWARF), so the archive built here has
# exactly the units of the ARM one (machine/arm's where those replaced the
# generic ones: off ARM they include the generic code, as on a soft-float
# ARM), each compiled with the same optimisation and -f options, and the
# configuration macros newlib's headers decide per target forced to the
# ARM values (selection.check verifies every one of them).

ifeq ($(NEWLIB_DIR),)
$(error NEWLIB_DIR must name an unpacked newlib source)
endif
ifeq ($(ARM_LIBM),)
$(error ARM_LIBM must name the libm.a the boards link)
endif
ARM_CPUFLAGS ?= -mcpu=cortex-m0 -mthumb
ARM_CC ?= arm-none-eabi-gcc
ARM_READELF ?= arm-none-eabi-readelf
BITS ?= 32
CC = gcc
AR = ar

include boards/posix/fp.mk

LIBM_SRC := $(NEWLIB_DIR)/newlib/libm
NEWLIB_INC := $(NEWLIB_DIR)/newlib/libc/include
OURS := boards/posix/newlib
O := $(BUILD)/obj

# The headers newlib's configure wrote for the board's build (newlib.h,
# _newlib_version.h: the source holds placeholders), as its compiler finds them.
ARM_CONFIGURED := $(shell $(ARM_CC) $(ARM_CPUFLAGS) -include newlib.h -M -E -x c /dev/null 2>/dev/null | \
	tr ' \\' '\n\n' | grep '/newlib.h$$\|/_newlib_version.h$$')
ifneq ($(words $(ARM_CONFIGURED)),2)
$(error $(ARM_CC) $(ARM_CPUFLAGS) found no newlib.h and _newlib_version.h (got "$(ARM_CONFIGURED)"))
endif
CONFIGURED := $(BUILD)/include

# newlib's headers, then the compiler's own (float.h, stddef.h, limits.h
# for newlib's #include_next), as in newlib's build: the host's C library
# headers must not mix in.
compiler_includes = $(addprefix -isystem ,$(foreach d,include include-fixed,$(wildcard $(shell $(1) -print-file-name=$(d)))))
NEWLIB_INCLUDES = -nostdinc -I$(CONFIGURED) -isystem $(NEWLIB_INC) $(call compiler_includes,$(CC) -m$(BITS))

# __OBSOLETE_MATH picks between two generations of newlib's float code;
# machine/ieeefp.h decides it by target (1, the older code, on a soft-float
# Cortex-M0): the value the board's build got, asked of the board's compiler.
ARM_OBSOLETE_MATH := $(shell echo __OBSOLETE_MATH | \
	$(ARM_CC) $(ARM_CPUFLAGS) -nostdinc -isystem $(NEWLIB_INC) -include machine/ieeefp.h -E -P - 2>/dev/null | tr -d ' \n')
ifeq ($(filter 0 1,$(ARM_OBSOLETE_MATH)),)
$(error could not ask $(ARM_CC) for __OBSOLETE_MATH of $(NEWLIB_INC)/machine/ieeefp.h (got "$(ARM_OBSOLETE_MATH)"))
endif
# -U__linux__: newlib's sys/config.h takes i386 Linux for a newlib-on-Linux
# system (reentrancy through a function); the board's newlib is bare metal,
# where _REENT is _impure_ptr (reent.c).
HOST_DEFS = -D__OBSOLETE_MATH=$(ARM_OBSOLETE_MATH) -U__linux__

# -w: newlib's own warnings are not ours to fix.
LIBM_CFLAGS = -m$(BITS) $(FP_CFLAGS) $(NEWLIB_INCLUDES) $(HOST_DEFS) -I$(LIBM_SRC)/common -w

# units.mk: one line per object of the ARM archive, its source (from
# newlib/libm/) and its -O and -f options.
$(BUILD)/units.mk: $(ARM_LIBM) boards/posix/newlib-libm.mk
	@mkdir -p $(@D)
	$(ARM_READELF) --debug-dump=info $(ARM_LIBM) 2>/dev/null | awk ' \
		/DW_TAG_compile_unit/ { unit = 1; next } \
		unit && /DW_AT_producer/ { flags = ""; n = split($$0, w, " "); \
			for (i = 1; i <= n; i++) if (w[i] ~ /^-[Of]/) flags = flags " " w[i]; next } \
		unit && /DW_AT_name/ { src = $$NF; sub(/.*newlib\/libm\//, "", src); \
			print "UNITS += " src; print "$$(O)/" src ".o: UNIT_FLAGS =" flags; unit = 0 }' > $@.tmp
	@grep -q '^UNITS += ' $@.tmp || { echo "no compile units with sources in $(ARM_LIBM)'s debug information" >&2; exit 1; }
	@mv $@.tmp $@
include $(BUILD)/units.mk

MISSING := $(filter-out $(wildcard $(addprefix $(LIBM_SRC)/,$(UNITS))),$(addprefix $(LIBM_SRC)/,$(UNITS)))
ifneq ($(MISSING),)
$(error $(ARM_LIBM) was built from sources not in $(NEWLIB_DIR): $(MISSING))
endif

UNIT_OBJ := $(patsubst %,$(O)/%.o,$(UNITS))
# What newlib's libc gives its libm on the board, for the host: errno and
# the reentrancy structure (lgamma's sign).
GLUE_OBJ := $(O)/glue/errno.o $(O)/glue/reent.o

$(O)/%.c.o: $(LIBM_SRC)/%.c $(BUILD)/selection.check
	@mkdir -p $(@D)
	@echo "CC $* $(UNIT_FLAGS)"
	@$(CC) $(LIBM_CFLAGS) $(UNIT_FLAGS) -c $< -o $@

# errno.c meets the host's C library, whose errno the mirror reads.
$(O)/glue/errno.o: $(OURS)/errno.c
	@mkdir -p $(@D)
	$(CC) -m$(BITS) -O2 -Wall -Werror -c $< -o $@

$(O)/glue/reent.o: $(OURS)/reent.c $(BUILD)/selection.check
	@mkdir -p $(@D)
	$(CC) $(LIBM_CFLAGS) -O2 -Wall -Werror -c $< -o $@

# Every macro newlib's headers define for the host must be what they define
# for the board (the same HOST_DEFS given to both), the compilers' own
# predefined macros aside. limits.h and stdint.h are left out: they differ
# by the compilers' ABI (char's signedness, int32_t a long or an int), and
# libm's sources use no plain char and only the sizes of the integer types.
SELECTION_HEADERS = $(addprefix -include ,sys/config.h math.h complex.h fenv.h errno.h reent.h float.h) -x c /dev/null
$(CONFIGURED)/.done: $(ARM_CONFIGURED)
	@mkdir -p $(@D)
	cp $^ $(@D)/
	@touch $@

$(BUILD)/selection.check: $(BUILD)/units.mk $(CONFIGURED)/.done
	@mkdir -p $(@D)
	@$(ARM_CC) $(ARM_CPUFLAGS) -nostdinc -I$(CONFIGURED) -isystem $(NEWLIB_INC) \
		$(call compiler_includes,$(ARM_CC)) $(HOST_DEFS) $(SELECTION_HEADERS) -dM -E | sort > $@.arm
	@echo | $(ARM_CC) $(ARM_CPUFLAGS) -dM -E - | sort | comm -23 $@.arm - > $@.arm-newlib
	@$(CC) $(LIBM_CFLAGS) $(SELECTION_HEADERS) -dM -E | sort > $@.host
	@echo | $(CC) -m$(BITS) $(FP_CFLAGS) -dM -E - | sort | comm -23 $@.host - > $@.host-newlib
	@diff $@.arm-newlib $@.host-newlib > $@.diff || { echo "newlib's headers define these otherwise" \
		"for the host (>) than for the board (<):" >&2; cat $@.diff >&2; exit 1; }
	@rm -f $@.arm $@.host $@.diff
	@touch $@

$(BUILD)/libm.a: $(UNIT_OBJ) $(GLUE_OBJ)
	@rm -f $@
	@$(AR) rcs $@ $^
	@echo "host flags: $(LIBM_CFLAGS)"
	@echo "newlib libm: $(words $(UNIT_OBJ)) units of $(ARM_LIBM), __OBSOLETE_MATH=$(ARM_OBSOLETE_MATH)"

all: $(BUILD)/libm.a
.DEFAULT_GOAL := all
