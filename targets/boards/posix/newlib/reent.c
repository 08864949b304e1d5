// The reentrancy structure newlib's libc gives its libm on the board, where
// _REENT is _impure_ptr: lgamma and gamma keep the sign of the gamma
// function there (_REENT_SIGNGAM). Compiled with newlib's headers, as libm is.
#include <reent.h>

static struct _reent hil_reent;
struct _reent *_impure_ptr = &hil_reent;
