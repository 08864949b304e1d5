// Core 1.8.6's file formats, checked before the VM sees a byte: the VM
// trusts its bytecode entirely (sizes, constant offsets, opcodes), and a
// wrong byte crashes it. A malformed blob is a LOAD_ERROR instead.
// Layouts (PikaCompiler.c at 1.8.6; docs/pikascript.md):
//   .py.o  no magic: u16 instruction bytes, 4-byte instructions {u8 depths,
//          u8 new-line bit | opcode, u16 constant offset}, u16 pool size,
//          the pool (NUL-delimited strings, starting with NUL)
//   .py.a  "\x7fpya", u32 version 1, u32 module count, padded to a 32-byte
//          entry; one 32-byte entry per module (its name, NUL-padded, in 28
//          bytes, its code's size, a multiple of 4, in the last 4); the
//          modules' code, each padded to 4.
// A core 1.14 blob starts with "\x0fpyo" or "\x0fpya": as a 1.8.6 .py.o its
// first u16 would be 0x700f instruction bytes, not a multiple of 4.
#include <string.h>

#include "PikaVM.h"   // __INSTRCUTION_CNT (sic)
#include "hil_pika.h"

#define PYA_MAGIC "\x7fpya"
#define PYA_VERSION 1
#define PYA_ENTRY 32

static uint32_t rd16(const uint8_t *p) {
    return p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const uint8_t *p) {
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

// One module's code, exactly ``len`` bytes (``padded``: followed by up to 3
// bytes of padding within len).
static const char *check_code(const uint8_t *p, size_t len, int padded) {
    if (len < 5) {
        return "bytecode too short";
    }
    uint32_t ins = rd16(p);
    if (ins % 4 != 0 || 4 + (size_t)ins > len) {
        return "bad instruction array size";
    }
    uint32_t pool = rd16(p + 2 + ins);
    size_t used = 4 + (size_t)ins + pool;
    if (pool < 1 || used > len || (padded ? len - used > 3 : len != used)) {
        return "bad constant pool size";
    }
    const uint8_t *cp = p + 4 + ins;
    if (cp[0] != 0 || cp[pool - 1] != 0) {
        return "constant pool not NUL-delimited";
    }
    if (ins > 0 && !(p[3] & 0x80)) {
        return "first instruction does not start a line";
    }
    for (uint32_t i = 0; i < ins; i += 4) {
        const uint8_t *u = p + 2 + i;
        if ((u[1] & 0x7f) >= __INSTRCUTION_CNT) {
            return "unknown opcode";
        }
        if (rd16(u + 2) >= pool) {
            return "constant offset outside the pool";
        }
    }
    return NULL;
}

static const char *check_library(const uint8_t *b, size_t len) {
    if (len < PYA_ENTRY) {
        return ".py.a too short";
    }
    uint32_t version = rd32(b + 4), count = rd32(b + 8);
    if (version != PYA_VERSION) {
        return ".py.a of another version (this core loads version 1)";
    }
    if (count == 0 || count > len / PYA_ENTRY - 1) {
        return ".py.a header does not match the blob";
    }
    size_t body = (size_t)PYA_ENTRY * (count + 1);
    int has_main = 0;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *entry = b + (size_t)PYA_ENTRY * (i + 1);
        uint32_t size = rd32(entry + PYA_ENTRY - 4);
        if (memchr(entry, 0, PYA_ENTRY - 4) == NULL) {
            return ".py.a module name not terminated";
        }
        if (size % 4 != 0 || size > len - body) {
            return ".py.a module outside the blob";
        }
        const char *why = check_code(b + body, size, 1);
        if (why != NULL) {
            return why;
        }
        has_main |= 0 == strcmp((const char *)entry, "main");
        body += size;
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
    if (len >= 4 && 0 == memcmp(b, PYA_MAGIC, 4)) {
        *kind = BLOB_PYA;
        return check_library(b, len);
    }
    if (len >= 4 && b[0] == 0x0f && 0 == memcmp(b + 1, "py", 2)) {
        return "a core 1.14 blob: this is core 1.8.6, which loads its own .py.o (no magic) and .py.a (7f 'pya')";
    }
    *kind = BLOB_PYO;
    return check_code(b, len, 0);
}
