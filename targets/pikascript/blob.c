// PikaScript's file formats, checked before the VM sees a byte: the VM
// trusts its bytecode entirely (sizes, constant offsets, opcodes), and a
// wrong byte crashes it. A malformed blob is a LOAD_ERROR instead.
// Layouts of core 1.14 (PikaCompiler.c; docs/pikascript.md):
//   .py.o  "\x0fpyo", u32 size of the rest, then the code:
//   code   u32 instruction bytes, 4-byte instructions {u8 depths, u8 new-line
//          bit | opcode, u16 constant offset}, u32 pool size, the pool
//          (NUL-delimited strings, starting with NUL)
//   .py.a  "\x0fpya", u32 total size, u32 version 7, u32 module count,
//          u32 block size, u32 times33 checksum (5381) of every byte after
//          the first block (0: none); one index block per module (its name,
//          NUL-padded, its code's size in the block's last 4 bytes); the
//          modules' code, each padded to 4.
#include <string.h>

#include "PikaVM.h"   // __INSTRUCTION_CNT
#include "hil_pika.h"

#define PYO_MAGIC "\x0fpyo"
#define PYA_MAGIC "\x0fpya"
#define PYA_VERSION 7

static uint32_t rd32(const uint8_t *p) {
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static const char *check_code(const uint8_t *p, size_t len) {
    if (len < 9) {
        return "bytecode too short";
    }
    uint32_t ins = rd32(p);
    if (ins % 4 != 0 || ins > len - 9) {
        return "bad instruction array size";
    }
    uint32_t pool = rd32(p + 4 + ins);
    if (pool < 1 || 8 + (size_t)ins + pool != len) {
        return "bad constant pool size";
    }
    const uint8_t *cp = p + 8 + ins;
    if (cp[0] != 0 || cp[pool - 1] != 0) {
        return "constant pool not NUL-delimited";
    }
    if (ins > 0 && !(p[5] & 0x80)) {
        return "first instruction does not start a line";
    }
    for (uint32_t i = 0; i < ins; i += 4) {
        const uint8_t *u = p + 4 + i;
        if ((u[1] & 0x7f) >= __INSTRUCTION_CNT) {
            return "unknown opcode";
        }
        if ((uint32_t)(u[2] | u[3] << 8) >= pool) {
            return "constant offset outside the pool";
        }
    }
    return NULL;
}

static const char *check_library(const uint8_t *b, size_t len) {
    if (len < 24) {
        return ".py.a too short";
    }
    uint32_t total = rd32(b + 4), version = rd32(b + 8), count = rd32(b + 12);
    uint32_t block = rd32(b + 16), sum = rd32(b + 20);
    if (version != PYA_VERSION) {
        return ".py.a of another version (this core loads version 7)";
    }
    if (total != len || block < 8 || block % 4 != 0 || count == 0 || (uint64_t)block * (count + 1) > len) {
        return ".py.a header does not match the blob";
    }
    if (sum != 0) {
        uint32_t h = 5381;
        for (size_t i = block; i < len; i++) {
            h = h * 33 + b[i];
        }
        if (h != sum) {
            return ".py.a checksum mismatch";
        }
    }
    size_t body = (size_t)block * (count + 1);
    int has_main = 0;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *idx = b + (size_t)block * (i + 1);
        uint32_t size = rd32(idx + block - 4);
        if (memchr(idx, 0, block - 4) == NULL) {
            return ".py.a module name not terminated";
        }
        if (size > len - body) {
            return ".py.a module outside the blob";
        }
        const char *why = check_code(b + body, size);
        if (why != NULL) {
            return why;
        }
        has_main |= 0 == strcmp((const char *)idx, "main");
        body += (size + 3) & ~3u;
    }
    if (body != len) {
        return ".py.a modules do not fill the blob";
    }
    return has_main ? NULL : ".py.a has no module 'main'";
}

const char *blob_check(const uint8_t *b, size_t len, enum blob_kind *kind) {
    if ((uintptr_t)b % 4 != 0) {
        return "blob not 4-byte aligned";  // the library loader refuses it
    }
    if (len < 8) {
        return "blob too short";
    }
    if (0 == memcmp(b, PYO_MAGIC, 4)) {
        *kind = BLOB_PYO;
        if (rd32(b + 4) != len - 8) {
            return ".py.o size field does not match the blob";
        }
        return check_code(b + 8, len - 8);
    }
    if (0 == memcmp(b, PYA_MAGIC, 4)) {
        *kind = BLOB_PYA;
        return check_library(b, len);
    }
    return "not a PikaPython 1.14 .py.o or .py.a (bad magic)";
}
