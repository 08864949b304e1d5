// What the C library needs of a PikaScript board: memory for printf. The
// VM formats numbers with the C library's vsnprintf (%lld, and %f for
// floats): the full newlib prints them as glibc does on the host mirror,
// where newlib-nano has no %lld. Its float conversion allocates a few small
// buffers (malloc, on _sbrk), from this arena; the VM's own heap is heap.c's.
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

// A core built with newlib-nano needs less (its side.mk says how much).
#ifndef HIL_LIBC_ARENA
#define HIL_LIBC_ARENA 16384
#endif

static uint8_t arena[HIL_LIBC_ARENA] __attribute__((aligned(8)));
static size_t used;

void *_sbrk(ptrdiff_t increment);
void *_sbrk(ptrdiff_t increment) {
    if (increment < 0 || (size_t)increment > sizeof(arena) - used) {
        errno = ENOMEM;
        return (void *)-1;
    }
    void *p = arena + used;
    used += (size_t)increment;
    return p;
}

// The core's file I/O hooks (pika_platform_fopen, ...) keep the C library's
// stdio in the link, and with it these system calls. A board has no files:
// each fails as an OS without the call does.
struct stat;
int _write(int fd, const void *buf, size_t len);
int _read(int fd, void *buf, size_t len);
int _close(int fd);
long _lseek(int fd, long offset, int whence);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);

int _write(int fd, const void *buf, size_t len) {
    (void)fd, (void)buf, (void)len;
    errno = ENOSYS;
    return -1;
}

int _read(int fd, void *buf, size_t len) {
    (void)fd, (void)buf, (void)len;
    errno = ENOSYS;
    return -1;
}

int _close(int fd) {
    (void)fd;
    errno = ENOSYS;
    return -1;
}

long _lseek(int fd, long offset, int whence) {
    (void)fd, (void)offset, (void)whence;
    errno = ENOSYS;
    return -1;
}

int _fstat(int fd, struct stat *st) {
    (void)fd, (void)st;
    errno = ENOSYS;
    return -1;
}

int _isatty(int fd) {
    (void)fd;
    errno = ENOSYS;
    return 0;
}

// A failed assertion in the VM calls pika_platform_abort_handler(), which
// ends the run as a fault (hil_run.c); abort() is reached outside a run, or
// from the C library's own assertions (malloc out of the arena above). It is
// reported as a fault where it was called from, and the board starts afresh.
// (newlib's would raise SIGABRT.)
void hil_booter_report_fault(uint32_t pc);
void hil_board_reset(void);
void abort(void) {
    hil_booter_report_fault((uint32_t)(uintptr_t)__builtin_return_address(0));
    hil_board_reset();
    for (;;) {
    }
}

// The C library's own failed assertion (its float conversions', when their
// memory runs out), as abort(): without it newlib prints the assertion with
// fprintf, which brings its whole stream layer (2 KB of flash).
void __assert_func(const char *file, int line, const char *func, const char *expr);
void __assert_func(const char *file, int line, const char *func, const char *expr) {
    (void)file, (void)line, (void)func, (void)expr;
    hil_booter_report_fault((uint32_t)(uintptr_t)__builtin_return_address(0));
    hil_board_reset();
    for (;;) {
    }
}
