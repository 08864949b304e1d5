// Board layer for a Linux process: the host runners. The byte link is
// stdin/stdout, so the harness talks to a host runner exactly as it talks to
// a booter on a board. Given compiled modules as arguments it runs them once
// each instead, printing output to stdout and tracebacks to stderr;
// --describe prints what it announces in INFO.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "hil_board.h"
#include "hil_proto.h"
#include "hil_vm.h"

static char **saved_argv;

int hil_board_getc(void) {
    // Buffered: a system call a byte cost the fuzzer 40% of its time.
    static unsigned char buf[4096];
    static size_t len, pos;
    while (pos == len) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
        if (n == 0) {
            exit(0); // the host closed the link
        }
        if (n > 0) {
            len = (size_t)n;
            pos = 0;
        }
    }
    return buf[pos++];
}

void hil_board_write(const uint8_t *data, size_t len) {
    while (len) {
        ssize_t n = write(STDOUT_FILENO, data, len);
        if (n <= 0) {
            _exit(1);
        }
        data += n;
        len -= n;
    }
}

uint64_t hil_board_cycles(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

uint32_t hil_board_clock_hz(void) {
    return 1000000000u; // cycles are nanoseconds
}

void hil_board_reset(void) {
    execv("/proc/self/exe", saved_argv);
    _exit(1);
}

const char *hil_board_name(void) {
    return sizeof(void *) == 8 ? "posix64" : "posix32";
}

void hil_board_stack_paint(void) {
}

uint32_t hil_board_stack_peak(void) {
    return 0;
}

// A crash in the VM is reported like a fault on a board, then the process ends.
static void on_fault(int sig, siginfo_t *info, void *context) {
    uint32_t pc = 0;
    #if defined(__x86_64__)
    pc = (uint32_t)((ucontext_t *)context)->uc_mcontext.gregs[REG_RIP];
    #elif defined(__i386__)
    pc = (uint32_t)((ucontext_t *)context)->uc_mcontext.gregs[REG_EIP];
    #endif
    hil_booter_report_fault(pc);
    _exit(128 + sig);
}

static void write_stdout(const char *data, size_t len) {
    fwrite(data, 1, len, stdout);
}

static void write_stderr(const char *data, size_t len) {
    fwrite(data, 1, len, stderr);
}

static void describe_text(const char *text) {
    fputs(text, stdout);
}

static int run_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    hil_vm_reset();
    uint8_t *buf = hil_vm_blob_alloc(len);
    if (buf == NULL || fread(buf, 1, len, f) != (size_t)len) {
        fprintf(stderr, "%s: cannot load %ld bytes\n", path, len);
        fclose(f);
        return 2;
    }
    fclose(f);
    hil_result_t res;
    hil_vm_run(buf, len, write_stdout, write_stderr, &res);
    fflush(stdout);
    fprintf(stderr, "status=%u run_ns=%llu load_ns=%llu heap_used=%u heap_peak=%u\n",
        res.status, (unsigned long long)res.run_cycles, (unsigned long long)res.load_cycles,
        res.heap_used, res.heap_peak);
    return res.status;
}

int main(int argc, char **argv) {
    saved_argv = argv;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
    if (argc == 2 && strcmp(argv[1], "--describe") == 0) {
        // What the runner announces in INFO, for a person or a build step.
        hil_vm_describe(describe_text);
        putchar('\n');
        return 0;
    }
    if (argc > 1) {
        int status = 0;
        for (int i = 1; i < argc; i++) {
            status = run_file(argv[i]);
        }
        return status;
    }
    HIL_APP_MAIN();
    return 0;
}
