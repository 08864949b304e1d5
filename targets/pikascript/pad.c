// Link padding for PikaScript's host runners (port.mk). The VM stores a
// raised built-in exception's error code as the low byte of its
// constructor's address (RIS in PikaVM.c, an int8_t): at an address ending
// in 00 the raise is silently lost. Thumb code addresses are odd, so a board
// never meets it; a host runner does or not by the luck of its link. Linked
// first, this function moves every later one by HIL_PAD bytes; port.mk grows
// HIL_PAD until the runner's INFO names no such constructor, so the mirror
// predicts the board. (".skip": a byte count, not bound by alignment.)
#ifndef HIL_PAD
#define HIL_PAD 0
#endif
#define S_(x) #x
#define S(x) S_(x)

void hil_pad(void);
__attribute__((used, noinline)) void hil_pad(void) {
#if HIL_PAD > 0
    __asm__ volatile(".skip " S(HIL_PAD) ", 0x90");
#endif
}
