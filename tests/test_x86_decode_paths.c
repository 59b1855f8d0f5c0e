/* The native x86 decoder has two paths: x86_decode() (the straight-line
 * fast path of decoders/x86/x86_fast.c, which hands what it does not finish
 * to the general path) and the general path alone (x86_decode_general() and
 * x86_decode_vex()). This is a differential test: both must give the same
 * status and the same descriptor for every input. It is not an oracle test;
 * the general path is the one checked against Zydis 4
 * (test_x86_decode_zydis.c) and the SDM vectors (test_x86_decode.c), and the
 * fast path is what every caller runs, so a difference here is a fast-path
 * bug that those tests might only catch on the inputs they happen to draw.
 * Inputs: random byte strings biased toward prefixes and ModRM forms, the
 * MMIO-form generator's instructions, and the .text of the machine's libc. */
#include <criterion/criterion.h>

#include "bench/common/corpus_x86.h"
#include "decoders/x86/x86_decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t pfx_pool[] = {0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e,
                                   0x26, 0x64, 0x65, 0x40, 0x41, 0x44, 0x48, 0x4c,
                                   0x4f, 0x0f, 0xc4, 0xc5, 0x62, 0x8f, 0x0f, 0x0f};

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* The general path alone, as x86_decode() would run it after a hand-over. */
static mmioemu_status general(mmioemu_mode mode, const uint8_t *b, size_t n, mmioemu_insn *out)
{
    x86_next nx;
    mmioemu_status s = x86_decode_general(mode, b, n, out, &nx);
    if (s == X86_TO_VEX)
        s = x86_decode_vex(mode, b, n, out, nx.i, nx.packed);
    return s;
}

/* Both paths from the same poisoned descriptor; the fields each status
 * defines must be equal (for MMIOEMU_OK: every byte). */
static unsigned compare(mmioemu_mode mode, const uint8_t *b, size_t n)
{
    mmioemu_insn f, g;
    memset(&f, 0xa5, sizeof f);
    memset(&g, 0xa5, sizeof g);
    mmioemu_status sf = x86_decode(mode, b, n, &f), sg = general(mode, b, n, &g);
    char hex[64] = {0};
    for (size_t k = 0; k < n && k < 15; k++)
        snprintf(hex + 3 * k, 4, "%02x ", b[k]);
    cr_assert_eq(sf, sg, "mode %d [%s]: fast path %d, general path %d", mode, hex, sf, sg);
    if (sf == MMIOEMU_OK)
        cr_assert(!memcmp(&f, &g, sizeof f), "mode %d [%s]: descriptors differ", mode, hex);
    if (sf == MMIOEMU_OK || sf == MMIOEMU_ERR_NO_MEMORY_OPERAND || sf == MMIOEMU_ERR_TRUNCATED)
        cr_assert_eq(f.length, g.length, "mode %d [%s]: length %u vs %u", mode, hex, f.length,
                     g.length);
    if (sf == MMIOEMU_ERR_NO_MEMORY_OPERAND) {
        cr_assert_eq(f.id, g.id, "mode %d [%s]: form", mode, hex);
        cr_assert_eq(f.kind, g.kind, "mode %d [%s]: kind", mode, hex);
    }
    return sf == MMIOEMU_OK || sf == MMIOEMU_ERR_NO_MEMORY_OPERAND ? f.length : 1;
}

Test(x86_decode_paths, fast_and_general_paths_agree_on_random_strings)
{
    uint64_t s = 0x9e3779b97f4a7c15ull;
    uint8_t b[16];
    for (int mode = MMIOEMU_X86_16; mode <= MMIOEMU_X86_64; mode++) {
        for (unsigned t = 0; t < 400000; t++) {
            uint64_t r = rng_next(&s), r2 = rng_next(&s);
            for (unsigned k = 0; k < 16; k++)
                b[k] = (uint8_t)(k < 8 ? r >> (8 * k) : r2 >> (8 * (k - 8)));
            /* 0-3 prefixes from the pool, then random bytes; random length
             * (short inputs take the padded copy of the fast path) */
            unsigned np = (unsigned)(r2 >> 60) & 3;
            for (unsigned k = 0; k < np; k++)
                b[k] = pfx_pool[(r >> (8 * k + 3)) % sizeof pfx_pool];
            size_t n = 1 + (size_t)((r2 >> 56) & 15);
            compare((mmioemu_mode)mode, b, (r2 & 1) ? 16 : n);
        }
    }
}

Test(x86_decode_paths, fast_and_general_paths_agree_on_mmio_forms)
{
    enum { COUNT = 100000 };
    uint8_t *buf = malloc(COUNT * 16 + 32);
    uint32_t *offs = malloc(COUNT * sizeof *offs);
    cr_assert(buf && offs);
    for (int mode = MMIOEMU_X86_16; mode <= MMIOEMU_X86_64; mode++) {
        size_t n =
            corpus_x86_stream(7 + (uint64_t)mode, (mmioemu_mode)mode, buf, COUNT * 16, COUNT, offs);
        cr_assert_gt(n, 0);
        for (size_t p = 0; p < n;)
            p += compare((mmioemu_mode)mode, buf + p, n - p);
    }
    free(offs);
    free(buf);
}

Test(x86_decode_paths, fast_and_general_paths_agree_on_libc_text)
{
    const char *path = "/usr/lib/x86_64-linux-gnu/libc.so.6";
    size_t n = 0;
    uint8_t *text = corpus_elf_text(path, &n);
    if (!text)
        cr_skip_test("%s has no readable .text here", path);
    for (size_t p = 0; p < n;)
        p += compare(MMIOEMU_X86_64, text + p, n - p);
    free(text);
}
