# A build is the same bytes wherever the checkout and the cache lie: a
# build's key leaves those places out (harness/build.py), so its product
# must too. Every VM's make fragment includes this file. Paths in __FILE__
# and in debug information are mapped to fixed names: the compile's folder
# (make runs in this checkout's targets/, which debug info records as the
# compilation directory and our sources are named from) and the build
# folder. The VM's own source tree is the VM fragment's to map. The link
# takes them too: with -flto it compiles again, and records its folder.
PATH_MAPS = -ffile-prefix-map=$(CURDIR)=targets -ffile-prefix-map=$(abspath $(BUILD))=build
CFLAGS += $(PATH_MAPS)
LDFLAGS += $(PATH_MAPS)
