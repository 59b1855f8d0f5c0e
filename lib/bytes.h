/* Byte helpers for the freestanding core: explicit little/big-endian loads
 * and stores and small copies, so the core runs on either host endianness
 * and never calls libc (no memcpy/memset symbols in the core object). */
#ifndef MMIOEMU_LIB_BYTES_H
#define MMIOEMU_LIB_BYTES_H

#include <stdint.h>
#include <stddef.h>

/* Fixed-width little-endian loads and stores: one access each (plus a byte
 * swap on a big-endian host). __builtin_memcpy of a constant size is a plain
 * load or store even with -ffreestanding -fno-builtin (no libc call, no type
 * punning); gcc does not always merge byte compositions into one load, e.g.
 * in the x86 decoder's fast path. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define MM_LE16(v) __builtin_bswap16(v)
#define MM_LE32(v) __builtin_bswap32(v)
#define MM_LE64(v) __builtin_bswap64(v)
#else
#define MM_LE16(v) (v)
#define MM_LE32(v) (v)
#define MM_LE64(v) (v)
#endif

static inline uint64_t mm_le16(const uint8_t *p)
{
    uint16_t v;
    __builtin_memcpy(&v, p, 2);
    return MM_LE16(v);
}

static inline uint64_t mm_le32(const uint8_t *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return MM_LE32(v);
}

static inline uint64_t mm_le64(const uint8_t *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return MM_LE64(v);
}

static inline void mm_put_le16(uint8_t *p, uint64_t v)
{
    uint16_t w = MM_LE16((uint16_t)v);
    __builtin_memcpy(p, &w, 2);
}

static inline void mm_put_le32(uint8_t *p, uint64_t v)
{
    uint32_t w = MM_LE32((uint32_t)v);
    __builtin_memcpy(p, &w, 4);
}

static inline void mm_put_le64(uint8_t *p, uint64_t v)
{
    uint64_t w = MM_LE64(v);
    __builtin_memcpy(p, &w, 8);
}

/* Operand sizes are almost always 1, 2, 4 or 8: those take one load or
 * store each; a byte loop (a branch per byte) only for the rest. */
static inline uint64_t mm_load_le(const uint8_t *p, unsigned n)
{
    switch (n) {
    case 1: return p[0];
    case 2: return mm_le16(p);
    case 4: return mm_le32(p);
    case 8: return mm_le64(p);
    default: break;
    }
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

static inline uint64_t mm_load_be(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

static inline void mm_store_le(uint8_t *p, uint64_t v, unsigned n)
{
    switch (n) {
    case 1: p[0] = (uint8_t)v; return;
    case 2: mm_put_le16(p, v); return;
    case 4: mm_put_le32(p, v); return;
    case 8: mm_put_le64(p, v); return;
    default: break;
    }
    for (unsigned i = 0; i < n; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

static inline void mm_store_be(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = n; i-- > 0; v >>= 8)
        p[i] = (uint8_t)v;
}

/* Copies and clears for the small buffers here (at most 64 bytes: vector
 * registers, MOVDIR64B): 8 bytes per step, then the tail, so a ZMM load is
 * 8 moves, not 64. Explicit loops, never libc calls, in the freestanding
 * core (scripts/freestanding-check.sh checks that no memcpy/memset is
 * referenced). */
static inline void mm_copy(void *dst, const void *src, size_t n)
{
    uint8_t *d = (uint8_t *)dst;
    const uint8_t *s = (const uint8_t *)src;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        mm_put_le64(d + i, mm_le64(s + i));
    for (; i < n; i++)
        d[i] = s[i];
}

static inline void mm_zero(void *dst, size_t n)
{
    uint8_t *d = (uint8_t *)dst;
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        mm_put_le64(d + i, 0);
    for (; i < n; i++)
        d[i] = 0;
}

static inline int mm_equal(const void *a, const void *b, size_t n)
{
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return 0;
    return 1;
}

/* Value of the low `bytes` bytes of v, sign-extended to 64 bits. */
static inline uint64_t mm_sext(uint64_t v, unsigned bytes)
{
    unsigned sh = 64 - 8 * bytes;
    return bytes >= 8 ? v : (uint64_t)((int64_t)(v << sh) >> sh);
}

static inline uint64_t mm_mask(unsigned bytes)
{
    return bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
}

#endif
