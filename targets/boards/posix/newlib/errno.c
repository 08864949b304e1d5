// newlib's libm sets errno through newlib's <errno.h>: *__errno(), which
// newlib's libc answers on the board. On the host it is the C library's
// errno, the one the mirror's own code reads.
#include <errno.h>

// The codes libm sets, as newlib's sys/errno.h numbers them.
_Static_assert(EDOM == 33 && ERANGE == 34, "the host numbers EDOM and ERANGE otherwise than newlib");

int *__errno(void);

int *__errno(void) {
    return &errno;
}
