# Blob signing: SIGNING_KEY_FILE names a file whose bytes are the HMAC-SHA256
# key; the booter then runs only blobs signed with it. The key goes into a
# generated header in the build folder, never onto a command line or into
# the build log.
# The VM's make fragment includes this file after the board. It sets
# HIL_KEY_HEADER, the generated header (empty without a key): a VM whose
# build preprocesses the booter's sources ahead of compiling them must make
# that step wait for it. PYTHON is the VM fragment's, or python3.
PYTHON ?= python3
HIL_KEY_HEADER =
ifneq ($(SIGNING_KEY_FILE),)
SRC_C += common/hil_sha256.c
CFLAGS += -DHIL_SIGNING=1 -I$(BUILD)/signing
HIL_KEY_HEADER = $(BUILD)/signing/hil_key.h

$(HIL_KEY_HEADER): $(SIGNING_KEY_FILE)
	$(Q)mkdir -p $(@D)
	$(Q)$(PYTHON) -c 'import sys; key = open(sys.argv[1], "rb").read(); \
		print("#define HIL_SIGNING_KEY {" + ",".join(map(str, key)) + "}")' $< > $@

$(BUILD)/common/hil_booter.o: $(HIL_KEY_HEADER)
endif
