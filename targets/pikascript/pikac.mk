# pikac (pikascript/pikac.c): PikaPython's PC-side compiler and packer, over
# the core of the pinned source, for this machine.
#   make -C targets -f pikascript/pikac.mk PIKA_DIR=<source> API=<glue.mk's folder> BUILD=<folder> [CONFIG=...]
#        [PIKA_SIDE=pikascript/v1.8.6] [SYNTAX=maximal]
# Output: $(BUILD)/pikac. The configuration is the targets' (syntax level
# and all: bytecode compiled at another level runs wrongly), the host's I/O
# kept (the compiler reads and writes files). -O1: as the host runners, see
# port.mk.

BUILD ?= build
CC = gcc
Q = @
ECHO = @echo
CFLAGS = -O1 -g -std=gnu99 -DHIL_PIKA_TOOL=1

include pikascript/core.mk

SRC_C = $(PIKA_SRC_C) $(PIKA_SIDE)/pikac.c
OBJ = $(call pika_objects,$(SRC_C))

$(BUILD)/pikac: $(OBJ)
	$(ECHO) "LINK $@"
	$(Q)$(CC) -o $@ $^ -lm

all: $(BUILD)/pikac
.DEFAULT_GOAL := all
.PHONY: all
