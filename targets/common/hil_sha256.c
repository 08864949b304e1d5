// SHA-256 and HMAC-SHA256, small rather than fast: a booter hashes each blob
// once, and flash is what a 64 KiB part runs short of.
#include <string.h>

#include "hil_sha256.h"

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned n) {
    return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t state[8], const uint8_t block[64]) {
    uint32_t w[16]; // the message schedule, kept as a rolling window of 16
    uint32_t v[8];
    memcpy(v, state, sizeof(v));
    for (int i = 0; i < 64; i++) {
        uint32_t word;
        if (i < 16) {
            word = (uint32_t)block[4 * i] << 24 | block[4 * i + 1] << 16 | block[4 * i + 2] << 8 | block[4 * i + 3];
        } else {
            uint32_t w15 = w[(i - 15) & 15], w2 = w[(i - 2) & 15];
            uint32_t s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3);
            uint32_t s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10);
            word = w[i & 15] + s0 + w[(i - 7) & 15] + s1;
        }
        w[i & 15] = word;
        uint32_t s1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25);
        uint32_t choose = (v[4] & v[5]) ^ (~v[4] & v[6]);
        uint32_t t1 = v[7] + s1 + choose + round_constants[i] + word;
        uint32_t s0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22);
        uint32_t majority = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
        memmove(v + 1, v, 7 * sizeof(uint32_t));
        v[4] += t1;
        v[0] = t1 + s0 + majority;
    }
    for (int i = 0; i < 8; i++) {
        state[i] += v[i];
    }
}

void hil_sha256_init(hil_sha256_t *ctx) {
    static const uint32_t initial[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    memcpy(ctx->state, initial, sizeof(initial));
    ctx->length = 0;
    ctx->used = 0;
}

void hil_sha256_update(hil_sha256_t *ctx, const uint8_t *data, size_t len) {
    ctx->length += len;
    while (len) {
        size_t n = 64 - ctx->used;
        if (n > len) {
            n = len;
        }
        memcpy(ctx->block + ctx->used, data, n);
        ctx->used += n;
        data += n;
        len -= n;
        if (ctx->used == 64) {
            compress(ctx->state, ctx->block);
            ctx->used = 0;
        }
    }
}

void hil_sha256_final(hil_sha256_t *ctx, uint8_t digest[32]) {
    uint64_t bits = ctx->length * 8;
    static const uint8_t pad = 0x80;
    static const uint8_t zero = 0;
    hil_sha256_update(ctx, &pad, 1);
    while (ctx->used != 56) {
        hil_sha256_update(ctx, &zero, 1);
    }
    uint8_t length_field[8];
    for (int i = 0; i < 8; i++) {
        length_field[i] = bits >> (56 - 8 * i);
    }
    hil_sha256_update(ctx, length_field, 8);
    for (int i = 0; i < 32; i++) {
        digest[i] = ctx->state[i / 4] >> (24 - 8 * (i % 4));
    }
}

void hil_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len, uint8_t mac[32]) {
    uint8_t pad[64] = {0};
    hil_sha256_t ctx;
    if (key_len > 64) {
        hil_sha256_init(&ctx);
        hil_sha256_update(&ctx, key, key_len);
        hil_sha256_final(&ctx, pad);
    } else {
        memcpy(pad, key, key_len);
    }
    for (int i = 0; i < 64; i++) {
        pad[i] ^= 0x36; // inner pad
    }
    hil_sha256_init(&ctx);
    hil_sha256_update(&ctx, pad, 64);
    hil_sha256_update(&ctx, data, len);
    hil_sha256_final(&ctx, mac);
    for (int i = 0; i < 64; i++) {
        pad[i] ^= 0x36 ^ 0x5c; // from inner to outer pad
    }
    hil_sha256_init(&ctx);
    hil_sha256_update(&ctx, pad, 64);
    hil_sha256_update(&ctx, mac, 32);
    hil_sha256_final(&ctx, mac);
    memset(pad, 0, sizeof(pad)); // no key material left on the stack
}
