# Floating-point code generation shared by the posix board layer (board.mk)
# and the newlib libm it can link (newlib-libm.mk), for the BITS they build.
#
# A Cortex-M0 computes in IEEE binary32 and binary64 (libgcc's soft-float),
# each operation rounded to its type. i386 code uses the x87 by default,
# which keeps intermediates in 80 bits: a 32-bit mirror would then round
# differently from the board it predicts, in the VM's arithmetic and inside
# libm alike. SSE2 rounds every operation to its type, as the board does;
# x86-64 uses SSE already. -ffp-contract=off: no fused multiply-add either
# (the M0 has none), whatever -march a user adds.
FP_CFLAGS := -ffp-contract=off
ifeq ($(BITS),32)
FP_CFLAGS += -msse2 -mfpmath=sse
endif
