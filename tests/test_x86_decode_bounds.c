/* Native x86 decoder never reads at or after code+len: every instruction is
 * decoded from a buffer whose end touches a PROT_NONE guard page, for every
 * prefix of its bytes. A read past the end would crash the test. The property
 * (a proper prefix of a valid instruction is TRUNCATED and asks for more
 * bytes) follows from the mmioemu_decode contract in include/mmioemu/insn.h. */
#include <criterion/criterion.h>

#include "bench/common/corpus_x86.h"
#include "common/x86dec_util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef MMIOEMU_HAVE_ZYDIS
#include <Zydis/Zydis.h>
#endif

typedef struct guard {
    uint8_t *map;
    size_t page;
} guard;

static uint8_t *guard_open(guard *g)
{
    g->page = (size_t)sysconf(_SC_PAGESIZE);
    g->map = mmap(NULL, 2 * g->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(g->map, MAP_FAILED);
    cr_assert_eq(mprotect(g->map + g->page, g->page, PROT_NONE), 0);
    return g->map + g->page; /* first byte that must never be read */
}

static void guard_close(guard *g)
{
    munmap(g->map, 2 * g->page);
}

/* Decode every prefix of b[0..n) placed right before the guard page. */
static void check_prefixes(uint8_t *end, mmioemu_mode mode, const uint8_t *b, size_t n)
{
    mmioemu_insn in;
    for (size_t k = 0; k <= n; k++) {
        memcpy(end - k, b, k);
        mmioemu_status st = mmioemu_decode(MMIOEMU_BACKEND_NATIVE, mode, end - k, k, &in);
        if (k < n) {
            cr_assert_eq(st, MMIOEMU_ERR_TRUNCATED, "mode %d, %zu of %zu bytes: status %d", mode, k,
                         n, st);
            cr_assert_gt(in.length, k, "needs more than it was given");
            cr_assert_leq(in.length, n, "never asks beyond the instruction");
        } else {
            cr_assert(st == MMIOEMU_OK || st == MMIOEMU_ERR_NO_MEMORY_OPERAND, "status %d", st);
            cr_assert_eq(in.length, n);
        }
    }
}

/* The SDM vectors of test_x86_decode.c (Vol. 2 instruction pages), all valid. */
static const struct {
    mmioemu_mode mode;
    const char *hex;
} vectors[] = {
    {MMIOEMU_X86_64, "8a 2e"},
    {MMIOEMU_X86_64, "40 8a 2e"},
    {MMIOEMU_X86_64, "66 c7 07 34 12"},
    {MMIOEMU_X86_64, "48 c7 07 ff ff ff ff"},
    {MMIOEMU_X86_64, "a1 88 77 66 55 44 33 22 11"},
    {MMIOEMU_X86_64, "67 a3 44 33 22 11"},
    {MMIOEMU_X86_16, "a0 34 12"},
    {MMIOEMU_X86_64, "67 a5"},
    {MMIOEMU_X86_64, "f3 48 a5"},
    {MMIOEMU_X86_64, "8b 05 10 20 30 40"},
    {MMIOEMU_X86_64, "c7 05 f0 ff ff ff 01 00 00 00"},
    {MMIOEMU_X86_64, "8b 04 cd 10 00 00 00"},
    {MMIOEMU_X86_16, "8b 43 10"},
    {MMIOEMU_X86_16, "8b 06 34 12"},
    {MMIOEMU_X86_32, "67 8b 87 fe ff"},
    {MMIOEMU_X86_64, "26 64 8b 00"},
    {MMIOEMU_X86_64, "66 66 66 66 66 66 66 66 66 66 66 66 66 8b 00"},
    {MMIOEMU_X86_64, "48 0f b7 08"},
    {MMIOEMU_X86_64, "48 63 00"},
    {MMIOEMU_X86_64, "f0 0f c7 08"},
    {MMIOEMU_X86_64, "f0 48 0f ba 28 ff"},
    {MMIOEMU_X86_64, "66 0f 38 f8 0e"},
    {MMIOEMU_X86_64, "66 44 0f 6f 00"},
    {MMIOEMU_X86_64, "c4 41 7c 29 08"},
    {MMIOEMU_X86_64, "c5 fe 6f 00"},
    {MMIOEMU_X86_64, "62 f1 fe 48 7f 40 01"},
    {MMIOEMU_X86_64, "62 e1 fe 48 6f 48 fe"},
    {MMIOEMU_X86_32, "c4 00"},
    {MMIOEMU_X86_64, "48 b8 01 02 03 04 05 06 07 08"},
    {MMIOEMU_X86_32, "9a 00 00 00 00 00 00"},
    {MMIOEMU_X86_64, "c8 10 00 01"},
    {MMIOEMU_X86_64, "0f 0f 00 b4"},
    {MMIOEMU_X86_64, "8f e9 78 e1 00"}, /* XOP vphsubbw xmm0, [rax] (AMD APM Vol. 4) */
};

Test(x86_decode_bounds, every_prefix_of_the_sdm_vectors_is_truncated_and_safe)
{
    guard g;
    uint8_t *end = guard_open(&g);
    for (size_t v = 0; v < sizeof vectors / sizeof vectors[0]; v++) {
        uint8_t b[16];
        int n = x86dec_hex(vectors[v].hex, b, sizeof b);
        cr_assert_gt(n, 0);
        check_prefixes(end, vectors[v].mode, b, (size_t)n);
    }
    guard_close(&g);
}

/* Instruction boundaries of real code: from Zydis when built in (the oracle),
 * otherwise from the native decoder itself (the property still holds). */
Test(x86_decode_bounds, every_prefix_of_libc_instructions_is_truncated_and_safe)
{
    size_t n = 0;
    uint8_t *text = corpus_elf_text("/usr/lib/x86_64-linux-gnu/libc.so.6", &n);
    if (!text)
        cr_skip_test("no readable /usr/lib/x86_64-linux-gnu/libc.so.6 .text on this machine");
#ifdef MMIOEMU_HAVE_ZYDIS
    ZydisDecoder d;
    ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
#endif
    guard g;
    uint8_t *end = guard_open(&g);
    size_t count = 0;
    for (size_t off = 0; off < n && count < 60000;) {
        size_t len = 0;
#ifdef MMIOEMU_HAVE_ZYDIS
        ZydisDecodedInstruction z;
        if (ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&d, NULL, text + off, n - off, &z)))
            len = z.length;
#else
        mmioemu_insn in;
        mmioemu_status st =
            mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_X86_64, text + off, n - off, &in);
        if (st == MMIOEMU_OK || st == MMIOEMU_ERR_NO_MEMORY_OPERAND)
            len = in.length;
#endif
        if (!len) {
            off++;
            continue;
        }
        check_prefixes(end, MMIOEMU_X86_64, text + off, len);
        off += len;
        count++;
    }
    cr_log_info("%zu libc instructions, every prefix decoded against a guard page", count);
    guard_close(&g);
    free(text);
}

/* Random bytes of every length 0..15 end at the guard page, in all modes:
 * whatever the status, nothing past the end is read, and TRUNCATED asks for more. */
Test(x86_decode_bounds, random_bytes_never_read_past_the_end)
{
    guard g;
    uint8_t *end = guard_open(&g);
    uint64_t s = 0x9e3779b97f4a7c15ull;
    mmioemu_insn in;
    for (int k = 0; k < 300000; k++) {
        mmioemu_mode mode = (mmioemu_mode)(k % 3);
        size_t len = (size_t)(k % 16);
        for (size_t j = 0; j < len; j++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            end[-(long)len + (long)j] = (uint8_t)s;
        }
        mmioemu_status st = mmioemu_decode(MMIOEMU_BACKEND_NATIVE, mode, end - len, len, &in);
        if (st == MMIOEMU_ERR_TRUNCATED)
            cr_assert_gt(in.length, len);
        else if (st == MMIOEMU_OK || st == MMIOEMU_ERR_NO_MEMORY_OPERAND)
            cr_assert_leq(in.length, len);
        else
            cr_assert_eq(st, MMIOEMU_ERR_INVALID, "status %d", st);
    }
    guard_close(&g);
}
