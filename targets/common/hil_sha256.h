// SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104), for booters built with a
// blob-signing key.
#ifndef HIL_SHA256_H
#define HIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct _hil_sha256_t {
    uint32_t state[8];
    uint64_t length; // bytes hashed so far
    uint8_t block[64];
    size_t used;     // bytes waiting in block
} hil_sha256_t;

void hil_sha256_init(hil_sha256_t *ctx);
void hil_sha256_update(hil_sha256_t *ctx, const uint8_t *data, size_t len);
void hil_sha256_final(hil_sha256_t *ctx, uint8_t digest[32]);
void hil_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len, uint8_t mac[32]);

#endif // HIL_SHA256_H
