# What every PikaScript build compiles, and how: the core (src/), the
# standard library (package/PikaStdLib/) and its glue (API, from glue.mk),
# configured by pikascript/pika_config.h and the target's
# pikascript/configs/$(CONFIG).h. Included by pikac.mk and port.mk, which
# add their own sources to SRC_C and name the objects OBJ.
#   PIKA_DIR  the PikaPython source tree
#   API       glue.mk's output folder (its pikascript-api/ holds the glue)
#   BUILD     the build folder; objects go to $(BUILD)/obj/<source path>.o
#   PIKA_SIDE the folder of the pinned core's own C (pikac, the VM side):
#             pikascript for core 1.14, pikascript/v1.8.6 for core 1.8.6

ifeq ($(PIKA_DIR),)
$(error PIKA_DIR must name a PikaPython source tree)
endif
ifeq ($(wildcard $(API)/pikascript-api/*.h),)
$(error API must name glue.mk's output folder, holding pikascript-api/)
endif
CONFIG ?= host
PIKA_SIDE ?= pikascript

# pikaScript.c is the glue's boot script (it runs main.py's text): a run
# from bytecode does without it.
PIKA_SRC_C = $(wildcard $(PIKA_DIR)/src/*.c) $(wildcard $(PIKA_DIR)/package/PikaStdLib/*.c) \
	$(filter-out %/pikaScript.c,$(wildcard $(API)/pikascript-api/*.c))
PIKA_INC = -Ipikascript -I$(PIKA_DIR)/src -I$(PIKA_DIR)/package/PikaStdLib -I$(API)/pikascript-api
PIKA_CFLAGS = -DPIKA_CONFIG_ENABLE -DHIL_CONFIG_HEADER='"configs/$(CONFIG).h"' $(PIKA_INC)
# SYNTAX=maximal: the configuration at the maximal syntax level, whatever it
# names (the reference compiler a minimal level's bytecode is checked against).
ifeq ($(SYNTAX),maximal)
PIKA_CFLAGS += -DHIL_SYNTAX_MAXIMAL=1
endif
# The core's __FILE__ (its assertions, its event queue) names its files
# relative to the tree, not where the tree lies: the same source unpacked,
# checked out or exported elsewhere builds the same firmware, so an A/B of a
# checkout against its pin compares the VM, not two paths (docs/ab.md).
PIKA_CFLAGS += -ffile-prefix-map=$(abspath $(PIKA_DIR))=pikapython -ffile-prefix-map=$(abspath $(API))=pika-api
include common/reproducible.mk

# Upstream's sources are compiled as they are, warnings and all; ours with -Werror.
OWN_WARN = -Wall -Wextra -Werror -Wno-unused-parameter

$(BUILD)/obj/%.o: /%.c
	@mkdir -p $(@D)
	$(ECHO) "CC $<"
	$(Q)$(CC) $(CFLAGS) $(PIKA_CFLAGS) $(if $(filter $(abspath $(PIKA_DIR))/%,$<),-w,$(OWN_WARN)) -c $< -o $@

$(BUILD)/obj/%.o: /%.s
	@mkdir -p $(@D)
	$(Q)$(CC) $(AFLAGS) -c $< -o $@

# A recipe that fails leaves no half-made file that passes for done.
.DELETE_ON_ERROR:

pika_objects = $(addprefix $(BUILD)/obj,$(patsubst %.c,%.o,$(patsubst %.s,%.o,$(abspath $(1)))))
