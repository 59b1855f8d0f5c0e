/* The three x86 backends (native, Zydis 4, Capstone 4) agree on the
 * descriptor of MMIO-form instructions: kind, sizes, registers, extension,
 * immediate and the address expression. Oracles: the SDM templates the
 * corpus is built from (lengths), and Zydis and Capstone against each other;
 * where two independent decoders agree the native one must match them.
 * Disagreements that are library bugs are matched by name against
 * tests/known-backend-bugs.md, never silently dropped. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mmioemu/mmioemu.h>

#include "bench/common/corpus_x86.h"

enum {
    D_STATUS,
    D_LEN,
    D_KIND,
    D_SIZE,
    D_REG,
    D_REG2,
    D_DST,
    D_EXT,
    D_MEM,
    D_SEG,
    D_IMM,
    D_OP,
    D_FLAGS,
    D_COUNT
};
static const char *const dname[D_COUNT] = {"status", "length",   "kind", "size", "reg",
                                           "reg2",   "dst_size", "ext",  "mem",  "seg",
                                           "imm",    "op",       "flags"};

/* Flags that are facts of the encoding (all backends must agree). */
#define CMP_FLAGS                                                                                  \
    (MMIOEMU_F_LOCK | MMIOEMU_F_REP | MMIOEMU_F_REPNE | MMIOEMU_F_IMM | MMIOEMU_F_MEM_SRC |        \
     MMIOEMU_F_BSWAP | MMIOEMU_F_NT | MMIOEMU_F_ALIGNED | MMIOEMU_F_VEX | MMIOEMU_F_EVEX |         \
     MMIOEMU_F_DIRECT)

typedef struct res {
    mmioemu_status st;
    mmioemu_insn in;
} res;

static const char *const mode_name[] = {"x86-16", "x86-32", "x86-64"};

static int st_class(mmioemu_status s)
{
    switch (s) {
    case MMIOEMU_OK: return 0;
    case MMIOEMU_ERR_NO_MEMORY_OPERAND: return 1;
    case MMIOEMU_ERR_TRUNCATED: return 2;
    case MMIOEMU_ERR_INVALID: return 3;
    default: return 4;
    }
}

static uint64_t imm_bits(const mmioemu_insn *in)
{
    unsigned sz = in->kind == MMIOEMU_KIND_BT ? 1 : in->size;
    return sz >= 8 ? (uint64_t)in->imm : (uint64_t)in->imm & ((1ull << (8 * sz)) - 1);
}

/* Bit mask of D_* fields on which a and b differ (insn.h contract fields only). */
static unsigned compare(mmioemu_mode mode, const res *a, const res *b)
{
    const mmioemu_insn *x = &a->in, *y = &b->in;
    unsigned d = 0;
    if (st_class(a->st) != st_class(b->st))
        return 1u << D_STATUS;
    if (a->st != MMIOEMU_OK && a->st != MMIOEMU_ERR_NO_MEMORY_OPERAND)
        return 0;
    if (x->length != y->length)
        d |= 1u << D_LEN;
    if (a->st != MMIOEMU_OK)
        return d;
    if (x->kind != y->kind)
        d |= 1u << D_KIND;
    if (x->size != y->size)
        d |= 1u << D_SIZE;
    const mmioemu_mem *m = &x->mem, *n = &y->mem;
    /* the address wraps at addr_size (SDM Vol. 1 3.3.7), so a 16-bit moffs
     * or displacement is the same whether a decoder sign- or zero-extends it */
    uint64_t amask = m->addr_size >= 8 ? ~0ull : (1ull << (8 * m->addr_size)) - 1;
    if (m->base != n->base || m->index != n->index || ((uint64_t)(m->disp ^ n->disp) & amask) ||
        m->addr_size != n->addr_size || (m->index != MMIOEMU_REG_NONE && m->shift != n->shift))
        d |= 1u << D_MEM;
    /* SDM Vol. 3A 3.2.4: in 64-bit mode only FS and GS add a base, so the
     * other segments (default or override) are not compared there. */
    int fsgs = m->seg >= MMIOEMU_SEG_FS || n->seg >= MMIOEMU_SEG_FS;
    if ((mode != MMIOEMU_X86_64 || fsgs) && m->seg != n->seg)
        d |= 1u << D_SEG;
    if (x->kind == MMIOEMU_KIND_OTHER || y->kind == MMIOEMU_KIND_OTHER)
        return d; /* only length and address are defined for OTHER */
    if (x->reg != y->reg)
        d |= 1u << D_REG;
    if (x->reg2 != y->reg2)
        d |= 1u << D_REG2;
    int load = x->kind == MMIOEMU_KIND_READ || x->kind == MMIOEMU_KIND_LODS ||
               x->kind == MMIOEMU_KIND_ALU_READ;
    if (load && x->dst_size != y->dst_size)
        d |= 1u << D_DST;
    if (load && x->ext != y->ext)
        d |= 1u << D_EXT;
    int imm = x->kind == MMIOEMU_KIND_WRITE_IMM || (x->flags & MMIOEMU_F_IMM);
    if (imm && imm_bits(x) != imm_bits(y))
        d |= 1u << D_IMM;
    if (x->op != y->op)
        d |= 1u << D_OP;
    if ((x->flags ^ y->flags) & CMP_FLAGS)
        d |= 1u << D_FLAGS;
    return d;
}

/* ---- known library bugs (tests/known-backend-bugs.md, x86 section) ---- */

/* Offset of the opcode's ModRM byte, following SDM Vol. 2A 2.1 (legacy
 * prefixes, REX, 0F/0F38/0F3A escapes); -1 for VEX/EVEX. *rex gets REX. */
static int modrm_at(mmioemu_mode mode, const uint8_t *c, unsigned n, unsigned *rex, int *p67)
{
    unsigned i = 0;
    *rex = 0;
    *p67 = 0;
    for (; i < n; i++) {
        uint8_t b = c[i];
        if (b == 0x67)
            *p67 = 1;
        if (b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x26 ||
            b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65)
            continue;
        if (mode == MMIOEMU_X86_64 && (b & 0xf0) == 0x40) {
            *rex = b;
            continue;
        }
        break;
    }
    if (i >= n || c[i] == 0xc4 || c[i] == 0xc5 || c[i] == 0x62)
        return -1;
    if (c[i] == 0x0f) {
        i++;
        if (i < n && (c[i] == 0x38 || c[i] == 0x3a))
            i++;
    }
    return (int)i + 1 < (int)n ? (int)i + 1 : -1;
}

/* ZYDIS-592: with 67, REX.B and a SIB byte whose base is 101 under mod 00,
 * Zydis 4.0 reports base r13d and drops the disp32. SDM Vol. 2A Table 2-3
 * and Table 2-5: base=101 with mod=00 means "disp32, no base" whatever REX.B. */
static int zydis_592(mmioemu_mode mode, const uint8_t *c, unsigned n)
{
    unsigned rex;
    int p67, i = modrm_at(mode, c, n, &rex, &p67);
    if (mode != MMIOEMU_X86_64 || i < 0 || !p67 || !(rex & 1) || i + 1 >= (int)n)
        return 0;
    return (c[i] >> 6) == 0 && (c[i] & 7) == 4 && (c[i + 1] & 7) == 5;
}

/* CAPSTONE-MOVDIR: Capstone 4.0.2 has no MOVDIRI (0F 38 F9) or MOVDIR64B
 * (66 0F 38 F8) and reports them invalid (SDM Vol. 2B MOVDIRI, MOVDIR64B). */
static int capstone_movdir(mmioemu_mode mode, const uint8_t *c, unsigned n)
{
    for (unsigned i = 0; i + 2 < n; i++)
        if (c[i] == 0x0f && c[i + 1] == 0x38 && (c[i + 2] == 0xf8 || c[i + 2] == 0xf9))
            return 1;
    (void)mode;
    return 0;
}

/* Opcode byte after the escapes, and which legacy prefixes precede it. */
struct pfx {
    int at;       /* offset of the opcode byte, -1 if none */
    unsigned map; /* 0 one-byte, 1 0F, 2 0F38, 3 0F3A */
    int p66, pf2, pf3, p66_before_rep;
};

static struct pfx scan(mmioemu_mode mode, const uint8_t *c, unsigned n)
{
    struct pfx p = {-1, 0, 0, 0, 0, 0};
    unsigned i = 0;
    for (; i < n; i++) {
        uint8_t b = c[i];
        if (b == 0x66)
            p.p66 = 1;
        else if (b == 0xf2 || b == 0xf3) {
            p.p66_before_rep |= p.p66;
            p.pf2 |= b == 0xf2, p.pf3 |= b == 0xf3;
        } else if (!(b == 0x67 || b == 0xf0 || b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e ||
                     b == 0x64 || b == 0x65 || (mode == MMIOEMU_X86_64 && (b & 0xf0) == 0x40)))
            break;
    }
    if (i < n && c[i] == 0x0f) {
        p.map = 1, i++;
        if (i < n && (c[i] == 0x38 || c[i] == 0x3a))
            p.map = c[i] == 0x38 ? 2 : 3, i++;
    }
    p.at = i < n ? (int)i : -1;
    return p;
}

/* CAPSTONE-16BIT-SSE: in CS_MODE_16, Capstone 4.0.2 ignores a mandatory
 * 66/F2/F3 prefix of 0F-map SSE instructions and decodes the unprefixed (MMX
 * or packed-single) form: f3 0f 7e = movq xmm,m64 becomes movd [m],mm. The
 * SDM opcode maps (Vol. 2D A.3) make the prefix part of the opcode in every
 * mode. Opcodes: the SSE moves of the corpus and CLWB/CLFLUSHOPT (66 0F AE). */
static int capstone_16bit_sse(mmioemu_mode mode, const uint8_t *c, unsigned n)
{
    static const uint8_t op0f[] = {0x10, 0x11, 0x28, 0x29, 0x2b, 0x6e,
                                   0x6f, 0x7e, 0x7f, 0xd6, 0xe7, 0xae};
    struct pfx p = scan(mode, c, n);
    if (mode != MMIOEMU_X86_16 || p.at < 0 || !(p.p66 || p.pf2 || p.pf3))
        return 0;
    if (p.map == 2)
        return c[p.at] == 0x2a || c[p.at] == 0xf8;
    return p.map == 1 && memchr(op0f, c[p.at], sizeof(op0f)) != NULL;
}

/* CAPSTONE-66-REP: Capstone 4.0.2 drops a 66 prefix that comes before F2/F3
 * on string instructions (66 f3 a5 = rep movsw becomes rep movsd) and then
 * prints an explicit es:. SDM Vol. 2A 2.1.1: prefix order is free. */
static int capstone_66_rep(mmioemu_mode mode, const uint8_t *c, unsigned n)
{
    struct pfx p = scan(mode, c, n);
    return p.at >= 0 && p.map == 0 && p.p66_before_rep &&
           ((c[p.at] >= 0xa4 && c[p.at] <= 0xa7) || (c[p.at] >= 0xaa && c[p.at] <= 0xaf));
}

/* CAPSTONE-EVEX-X: with EVEX.X-bar = 0 (P0 bit 6), Capstone 4.0.2 rejects a
 * memory operand that has no SIB byte (62 b1 7e 08 6f 07 = vmovdqu32 xmm0,
 * [rdi]) or whose SIB comes with B-bar = 0 too (62 11 ...), and, with 67,
 * mis-parses the ModRM/SIB (wrong length and address).
 * SDM Vol. 2A 2.7.1 / Table 2-31: X only extends SIB.index (or a register
 * ModRM.rm); Zydis decodes these. */
static int capstone_evex_x(mmioemu_mode mode, const uint8_t *c, unsigned n)
{
    struct pfx p = scan(mode, c, n);
    int p67 = memchr(c, 0x67, p.at > 0 ? (size_t)p.at : 0) != NULL;
    if (mode != MMIOEMU_X86_64 || p.at < 0 || p.map || c[p.at] != 0x62 || p.at + 5 >= (int)n)
        return 0;
    uint8_t p0 = c[p.at + 1], modrm = c[p.at + 5];
    int sib = (modrm >> 6) != 3 && (modrm & 7) == 4;
    return !(p0 & 0x40) && (p67 || !sib || !(p0 & 0x20));
}

enum { B_NATIVE, B_ZYDIS, B_CAPSTONE };
typedef struct known_bug {
    const char *id;
    int backend; /* which backend is wrong */
    int (*match)(mmioemu_mode, const uint8_t *, unsigned);
} known_bug;
static const known_bug known[] = {
    {"ZYDIS-592", B_ZYDIS, zydis_592},
    {"CAPSTONE-MOVDIR", B_CAPSTONE, capstone_movdir},
    {"CAPSTONE-16BIT-SSE", B_CAPSTONE, capstone_16bit_sse},
    {"CAPSTONE-66-REP", B_CAPSTONE, capstone_66_rep},
    {"CAPSTONE-EVEX-X", B_CAPSTONE, capstone_evex_x},
};
#define NKNOWN (sizeof(known) / sizeof(known[0]))

/* Bit mask of the known bugs whose pattern the bytes match (0: none). */
static unsigned explain(mmioemu_mode mode, const uint8_t *c, unsigned n)
{
    unsigned m = 0;
    for (unsigned k = 0; k < NKNOWN; k++)
        if (known[k].match(mode, c, n))
            m |= 1u << k;
    return m;
}

static void describe(char *buf, size_t len, mmioemu_mode mode, const res *r)
{
    const mmioemu_insn *in = &r->in;
    if (r->st != MMIOEMU_OK) {
        snprintf(buf, len, "%s len=%u", mmioemu_status_name(r->st), in->length);
        return;
    }
    snprintf(buf, len,
             "len=%u %s size=%u reg=%s dst=%u ext=%s op=%s imm=%llx fl=%x "
             "[seg%u %s+%s*%u%+lld a%u]",
             in->length, mmioemu_kind_name((mmioemu_kind)in->kind), in->size,
             mmioemu_reg_name(mode, in->reg, in->dst_size ? in->dst_size : in->size), in->dst_size,
             mmioemu_ext_name((mmioemu_ext)in->ext), mmioemu_op_name((mmioemu_op)in->op),
             (unsigned long long)in->imm, in->flags, in->mem.seg,
             mmioemu_reg_name(mode, in->mem.base, in->mem.addr_size),
             mmioemu_reg_name(mode, in->mem.index, in->mem.addr_size), 1u << in->mem.shift,
             (long long)in->mem.disp, in->mem.addr_size);
}

static void log_diff(const char *what, mmioemu_mode mode, const uint8_t *c, unsigned n, unsigned d,
                     const res *a, const res *b)
{
    char hex[64] = "", da[200], db[200], fields[128] = "";
    for (unsigned i = 0; i < n && i < 15; i++)
        snprintf(hex + 2 * i, sizeof(hex) - 2 * i, "%02x", c[i]);
    for (unsigned f = 0; f < D_COUNT; f++)
        if (d & (1u << f))
            strncat(fields, dname[f], sizeof(fields) - strlen(fields) - 2), strcat(fields, " ");
    describe(da, sizeof(da), mode, a);
    describe(db, sizeof(db), mode, b);
    cr_log_warn("%s %s %s: differ in %s\n   %s\n   %s", what, mode_name[mode], hex, fields, da, db);
}

static int have_backends(void)
{
    static const uint8_t mov[2] = {0x8a, 0x2e};
    mmioemu_insn in;
    return mmioemu_decode(MMIOEMU_BACKEND_ZYDIS, MMIOEMU_X86_64, mov, 2, &in) == MMIOEMU_OK &&
           mmioemu_decode(MMIOEMU_BACKEND_CAPSTONE, MMIOEMU_X86_64, mov, 2, &in) == MMIOEMU_OK;
}

struct tally {
    unsigned long cases, unknown, known[NKNOWN], len_vs_sdm[3], fields[D_COUNT];
    unsigned logged[1u << D_COUNT]; /* examples logged per field mask */
};

/* Decodes one instruction with all three backends and checks it. `sdm_len`
 * is the generator's length (0 for real code). Returns 1 if anything unknown. */
static int check_one(struct tally *t, mmioemu_mode mode, const uint8_t *c, unsigned n,
                     unsigned sdm_len, int check_native)
{
    res r[3];
    int bad = 0;
    for (int b = 0; b < 3; b++) {
        memset(&r[b].in, 0, sizeof(r[b].in));
        r[b].st = mmioemu_decode((mmioemu_backend)b, mode, c, n, &r[b].in);
        if (sdm_len && (r[b].st != MMIOEMU_OK || r[b].in.length != sdm_len))
            t->len_vs_sdm[b]++;
    }
    t->cases++;
    unsigned zc = compare(mode, &r[B_ZYDIS], &r[B_CAPSTONE]);
    unsigned km = zc ? explain(mode, c, n) : 0, wrong = 0;
    const res *ref = &r[B_ZYDIS];
    for (unsigned k = 0; k < NKNOWN; k++)
        if (km & (1u << k)) {
            t->known[k]++;
            wrong |= 1u << known[k].backend;
        }
    if (km) {
        /* the reference is the library without a known bug here; if both
         * have one, there is none and the native result is not checked */
        ref = (wrong & (1u << B_ZYDIS)) ? &r[B_CAPSTONE] : &r[B_ZYDIS];
        if ((wrong & (1u << B_ZYDIS)) && (wrong & (1u << B_CAPSTONE)))
            ref = NULL;
    } else if (zc) {
        t->unknown++;
        if (t->logged[zc]++ < 4)
            log_diff("zydis/capstone", mode, c, n, zc, &r[B_ZYDIS], &r[B_CAPSTONE]);
        for (unsigned f = 0; f < D_COUNT; f++)
            t->fields[f] += !!(zc & (1u << f));
        bad = 1;
        ref = NULL;
    }
    if (check_native && ref) {
        unsigned nd = compare(mode, &r[B_NATIVE], ref);
        if (nd) {
            t->unknown++;
            if (t->logged[nd]++ < 4)
                log_diff("native/reference", mode, c, n, nd, &r[B_NATIVE], ref);
            for (unsigned f = 0; f < D_COUNT; f++)
                t->fields[f] += !!(nd & (1u << f));
            bad = 1;
        }
    }
    return bad;
}

static void report(const char *what, const struct tally *t)
{
    char fields[256] = "";
    for (unsigned f = 0; f < D_COUNT; f++)
        if (t->fields[f])
            snprintf(fields + strlen(fields), sizeof(fields) - strlen(fields), " %s=%lu", dname[f],
                     t->fields[f]);
    char kn[256] = "";
    for (unsigned k = 0; k < NKNOWN; k++)
        snprintf(kn + strlen(kn), sizeof(kn) - strlen(kn), " %s=%lu", known[k].id, t->known[k]);
    cr_log_info("%s: %lu cases, %lu unexplained disagreements (%s), known:%s", what, t->cases,
                t->unknown, fields[0] ? fields : " none", kn);
}

static void corpus_run(struct tally *t, int check_native, unsigned per_mode)
{
    for (int m = MMIOEMU_X86_16; m <= MMIOEMU_X86_64; m++) {
        corpus_rng rng;
        corpus_seed(&rng, 0x5eed0000u + (unsigned)m);
        for (unsigned i = 0; i < per_mode; i++) {
            uint8_t buf[16];
            unsigned len = corpus_x86_one(&rng, (mmioemu_mode)m, buf, NULL);
            check_one(t, (mmioemu_mode)m, buf, len, len, check_native);
        }
    }
}

Test(x86_backends, zydis_and_capstone_agree_with_the_sdm_templates_on_the_mmio_corpus)
{
    struct tally t;
    if (!have_backends())
        cr_skip_test("Zydis and Capstone backends not built in");
    memset(&t, 0, sizeof(t));
    corpus_run(&t, 0, 200000);
    report("zydis vs capstone, MMIO corpus", &t);
    cr_log_info("length or status differs from the SDM template: zydis %lu, capstone %lu",
                t.len_vs_sdm[B_ZYDIS], t.len_vs_sdm[B_CAPSTONE]);
    cr_expect_eq(t.len_vs_sdm[B_ZYDIS], 0, "Zydis lengths vs the SDM templates");
    /* Capstone's known bugs (MOVDIR*, 16-bit SSE, EVEX.X...) change lengths
     * or make instructions invalid: only those cases may differ. */
    unsigned long cs_known = 0;
    for (unsigned k = 0; k < NKNOWN; k++)
        if (known[k].backend == B_CAPSTONE)
            cs_known += t.known[k];
    cr_expect(t.len_vs_sdm[B_CAPSTONE] <= cs_known, "Capstone lengths vs the SDM templates");
    cr_assert_eq(t.unknown, 0, "unexplained Zydis/Capstone disagreements (see the log)");
}

Test(x86_backends, native_matches_zydis_and_capstone_on_the_mmio_corpus)
{
    struct tally t;
    if (!have_backends())
        cr_skip_test("Zydis and Capstone backends not built in");
    memset(&t, 0, sizeof(t));
    corpus_run(&t, 1, 200000);
    report("native vs zydis+capstone, MMIO corpus", &t);
    cr_log_info("length or status differs from the SDM template: native %lu",
                t.len_vs_sdm[B_NATIVE]);
    cr_expect_eq(t.len_vs_sdm[B_NATIVE], 0, "native lengths vs the SDM templates");
    cr_assert_eq(t.unknown, 0, "native disagrees with the other two (see the log)");
}

Test(x86_backends, all_backends_agree_on_the_memory_operands_of_libc)
{
    struct tally t;
    size_t n, off = 0;
    const char *path = "/usr/lib/x86_64-linux-gnu/libc.so.6";
    if (!have_backends())
        cr_skip_test("Zydis and Capstone backends not built in");
    uint8_t *text = corpus_elf_text(path, &n);
    if (!text)
        cr_skip_test("no x86-64 ELF at %s", path);
    memset(&t, 0, sizeof(t));
    /* Walk the stream with Zydis's lengths (one more than 1 byte on error). */
    while (off < n) {
        mmioemu_insn in;
        size_t left = n - off < 15 ? n - off : 15;
        mmioemu_status st =
            mmioemu_decode(MMIOEMU_BACKEND_ZYDIS, MMIOEMU_X86_64, text + off, left, &in);
        if (st == MMIOEMU_OK && in.kind != MMIOEMU_KIND_OTHER)
            check_one(&t, MMIOEMU_X86_64, text + off, (unsigned)left, 0, 1);
        off += (st == MMIOEMU_OK || st == MMIOEMU_ERR_NO_MEMORY_OPERAND) ? in.length : 1;
    }
    free(text);
    report("all backends, libc .text memory operands", &t);
    cr_assert_gt(t.cases, 10000, "libc has memory operands");
    cr_assert_eq(t.unknown, 0, "unexplained disagreements on libc (see the log)");
}

/* SDM vectors named in issue 3; expected values from the SDM pages cited. */
typedef struct vec {
    mmioemu_mode mode;
    const char *hex;
    mmioemu_status st;
    unsigned len, kind, size;
    uint8_t reg, ext, base, addr_size;
    int64_t disp;
    uint64_t imm;
} vec;

static const vec vectors[] = {
    /* SDM Vol. 2B MOV 8A /r, Vol. 2A 3.1.1.1 / Table 3-1: no REX -> CH */
    {MMIOEMU_X86_64, "8a2e", MMIOEMU_OK, 2, MMIOEMU_KIND_READ, 1, MMIOEMU_REG_CH, MMIOEMU_EXT_MERGE,
     MMIOEMU_REG_RSI, 8, 0, 0},
    /* SDM Vol. 2A 2.2.1.2: any REX -> BPL */
    {MMIOEMU_X86_64, "408a2e", MMIOEMU_OK, 3, MMIOEMU_KIND_READ, 1, MMIOEMU_REG_RBP,
     MMIOEMU_EXT_MERGE, MMIOEMU_REG_RSI, 8, 0, 0},
    /* SDM MOV C7 /0 iw with 66: imm16, length 5 */
    {MMIOEMU_X86_64, "66c7073412", MMIOEMU_OK, 5, MMIOEMU_KIND_WRITE_IMM, 2, MMIOEMU_REG_NONE,
     MMIOEMU_EXT_NONE, MMIOEMU_REG_RDI, 8, 0, 0x1234},
    /* SDM MOV REX.W C7 /0 id: imm32 sign-extended to 64 bits */
    {MMIOEMU_X86_64, "48c707ffffffff", MMIOEMU_OK, 7, MMIOEMU_KIND_WRITE_IMM, 8, MMIOEMU_REG_NONE,
     MMIOEMU_EXT_NONE, MMIOEMU_REG_RDI, 8, 0, 0xffffffffffffffffull},
    /* SDM MOV A1: moffs64 in 64-bit mode (8-byte offset), EAX zero-extends */
    {MMIOEMU_X86_64, "a11122334455667788", MMIOEMU_OK, 9, MMIOEMU_KIND_READ, 4, MMIOEMU_REG_RAX,
     MMIOEMU_EXT_ZERO, MMIOEMU_REG_NONE, 8, (int64_t)0x8877665544332211ull, 0},
    /* SDM MOVS with 67: ESI/EDI, 32-bit addresses */
    {MMIOEMU_X86_64, "67a5", MMIOEMU_OK, 2, MMIOEMU_KIND_MOVS, 4, MMIOEMU_REG_NONE,
     MMIOEMU_EXT_NONE, MMIOEMU_REG_RSI, 4, 0, 0},
    /* SDM MOVS REX.W A5 with REP: 8-byte elements */
    {MMIOEMU_X86_64, "f348a5", MMIOEMU_OK, 3, MMIOEMU_KIND_MOVS, 8, MMIOEMU_REG_NONE,
     MMIOEMU_EXT_NONE, MMIOEMU_REG_RSI, 8, 0, 0},
    /* SDM Vol. 2A 2.2.1.6: mod 00 rm 101 in 64-bit mode is RIP + disp32 */
    {MMIOEMU_X86_64, "8b0578563412", MMIOEMU_OK, 6, MMIOEMU_KIND_READ, 4, MMIOEMU_REG_RAX,
     MMIOEMU_EXT_ZERO, MMIOEMU_REG_RIP, 8, 0x12345678, 0},
    /* SDM LOCK: #UD unless the destination is memory of a lockable instruction */
    {MMIOEMU_X86_64, "f08807", MMIOEMU_ERR_INVALID, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    /* SDM Vol. 2A Table 2-1: 16-bit [bp+si] */
    {MMIOEMU_X86_16, "8b02", MMIOEMU_OK, 2, MMIOEMU_KIND_READ, 2, MMIOEMU_REG_RAX,
     MMIOEMU_EXT_MERGE, MMIOEMU_REG_RBP, 2, 0, 0},
};

static unsigned unhex(const char *s, uint8_t *b)
{
    unsigned n = 0, v;
    for (; s[0] && s[1]; s += 2)
        if (sscanf(s, "%2x", &v) == 1)
            b[n++] = (uint8_t)v;
    return n;
}

static void check_vectors(mmioemu_backend be, const char *name)
{
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        const vec *v = &vectors[i];
        uint8_t b[16];
        mmioemu_insn in;
        unsigned n = unhex(v->hex, b);
        mmioemu_status st = mmioemu_decode(be, v->mode, b, n, &in);
        cr_expect_eq(st, v->st, "%s %s: status %s", name, v->hex, mmioemu_status_name(st));
        if (st != MMIOEMU_OK || v->st != MMIOEMU_OK)
            continue;
        cr_expect_eq(in.length, v->len, "%s %s: length %u", name, v->hex, in.length);
        cr_expect_eq(in.kind, v->kind, "%s %s: kind", name, v->hex);
        cr_expect_eq(in.size, v->size, "%s %s: size %u", name, v->hex, in.size);
        cr_expect_eq(in.mem.base, v->base, "%s %s: base", name, v->hex);
        cr_expect_eq(in.mem.addr_size, v->addr_size, "%s %s: addr_size", name, v->hex);
        cr_expect_eq(in.mem.disp, v->disp, "%s %s: disp", name, v->hex);
        if (v->kind == MMIOEMU_KIND_READ) {
            cr_expect_eq(in.reg, v->reg, "%s %s: reg %u", name, v->hex, in.reg);
            cr_expect_eq(in.ext, v->ext, "%s %s: ext", name, v->hex);
        }
        if (v->kind == MMIOEMU_KIND_WRITE_IMM)
            cr_expect_eq(imm_bits(&in), v->imm, "%s %s: imm", name, v->hex);
    }
}

Test(x86_backends, sdm_vectors_decode_the_same_in_zydis_and_capstone)
{
    if (!have_backends())
        cr_skip_test("Zydis and Capstone backends not built in");
    check_vectors(MMIOEMU_BACKEND_ZYDIS, "zydis");
    check_vectors(MMIOEMU_BACKEND_CAPSTONE, "capstone");
}

/* The known bugs are still there: when a library release fixes one, this
 * fails, and known-backend-bugs.md and the filters above must be updated. */
Test(x86_backends, known_library_bugs_still_reproduce)
{
    uint8_t b[16];
    mmioemu_insn in;
    if (!have_backends())
        cr_skip_test("Zydis and Capstone backends not built in");
    /* 67 41 8b 04 25 disp32: mov eax, [disp32] (SDM Table 2-5) */
    unsigned n = unhex("67418b042578563412", b);
    cr_assert(zydis_592(MMIOEMU_X86_64, b, n));
    cr_assert_eq(mmioemu_decode(MMIOEMU_BACKEND_ZYDIS, MMIOEMU_X86_64, b, n, &in), MMIOEMU_OK);
    cr_expect(in.mem.base == MMIOEMU_REG_R13 && in.mem.disp == 0, "ZYDIS-592 fixed?");
    cr_assert_eq(mmioemu_decode(MMIOEMU_BACKEND_CAPSTONE, MMIOEMU_X86_64, b, n, &in), MMIOEMU_OK);
    cr_expect(in.mem.base == MMIOEMU_REG_NONE && in.mem.disp == 0x12345678);
    /* 0f 38 f9 07: movdiri [rdi], eax */
    n = unhex("0f38f907", b);
    cr_expect_eq(mmioemu_decode(MMIOEMU_BACKEND_CAPSTONE, MMIOEMU_X86_64, b, n, &in),
                 MMIOEMU_ERR_INVALID, "CAPSTONE-MOVDIR fixed?");
    cr_expect_eq(mmioemu_decode(MMIOEMU_BACKEND_ZYDIS, MMIOEMU_X86_64, b, n, &in), MMIOEMU_OK);
    /* 16-bit f3 0f 7e 07: movq xmm0, qword ptr [bx] (8 bytes, SDM MOVQ) */
    n = unhex("f30f7e07", b);
    cr_assert(capstone_16bit_sse(MMIOEMU_X86_16, b, n));
    cr_assert_eq(mmioemu_decode(MMIOEMU_BACKEND_CAPSTONE, MMIOEMU_X86_16, b, n, &in), MMIOEMU_OK);
    cr_expect(in.kind != MMIOEMU_KIND_READ || in.size != 8, "CAPSTONE-16BIT-SSE fixed?");
    /* 66 f3 a5: rep movsw, 2-byte elements (SDM Vol. 2A 2.1.1) */
    n = unhex("66f3a5", b);
    cr_assert(capstone_66_rep(MMIOEMU_X86_32, b, n));
    cr_assert_eq(mmioemu_decode(MMIOEMU_BACKEND_CAPSTONE, MMIOEMU_X86_32, b, n, &in), MMIOEMU_OK);
    cr_expect_eq(in.size, 4, "CAPSTONE-66-REP fixed?");
    /* 62 b1 7e 08 6f 07: vmovdqu32 xmm0, [rdi] (EVEX.X unused without SIB) */
    n = unhex("62b17e086f07", b);
    cr_assert(capstone_evex_x(MMIOEMU_X86_64, b, n));
    cr_expect_eq(mmioemu_decode(MMIOEMU_BACKEND_CAPSTONE, MMIOEMU_X86_64, b, n, &in),
                 MMIOEMU_ERR_INVALID, "CAPSTONE-EVEX-X fixed?");
    cr_expect_eq(mmioemu_decode(MMIOEMU_BACKEND_ZYDIS, MMIOEMU_X86_64, b, n, &in), MMIOEMU_OK);
}

/* insn.h: never read at or after code+len; a short buffer is TRUNCATED with
 * length > len. The bytes end right before a PROT_NONE page, so a read past
 * them faults; every proper prefix of each vector must report TRUNCATED. */
Test(x86_backends, adapters_never_read_past_len_and_report_truncation)
{
    static const char *const hex[] = {
        "8a2e",           "66c7073412", "a11122334455667788", "4c8b8c8810000000",
        "62f1fe486f4701", "c5fe6f00",   "f0480fc70e",         "654889042500000000"};
    long pg = sysconf(_SC_PAGESIZE);
    unsigned cs_invalid = 0;
    if (!have_backends())
        cr_skip_test("Zydis and Capstone backends not built in");
    uint8_t *map =
        mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert(map != MAP_FAILED);
    cr_assert_eq(mprotect(map + pg, (size_t)pg, PROT_NONE), 0);
    for (size_t i = 0; i < sizeof(hex) / sizeof(hex[0]); i++) {
        uint8_t b[16];
        unsigned n = unhex(hex[i], b);
        for (unsigned len = 0; len <= n; len++) {
            uint8_t *at = map + pg - len;
            memcpy(at, b, len);
            for (int be = MMIOEMU_BACKEND_ZYDIS; be <= MMIOEMU_BACKEND_CAPSTONE; be++) {
                mmioemu_insn in;
                mmioemu_status st =
                    mmioemu_decode((mmioemu_backend)be, MMIOEMU_X86_64, at, len, &in);
                if (len == n) {
                    cr_expect(st == MMIOEMU_OK, "%s backend %d: %s", hex[i], be,
                              mmioemu_status_name(st));
                    continue;
                }
                /* Capstone cannot say "truncated" (CAPSTONE-NO-TRUNCATED): the
                 * adapter finds it only when a zero continuation decodes */
                if (be == MMIOEMU_BACKEND_CAPSTONE && st == MMIOEMU_ERR_INVALID) {
                    cs_invalid++;
                    continue;
                }
                cr_expect_eq(st, MMIOEMU_ERR_TRUNCATED, "%s[0..%u) backend %d: %s", hex[i], len, be,
                             mmioemu_status_name(st));
                if (st == MMIOEMU_ERR_TRUNCATED)
                    cr_expect(in.length > len && in.length <= n, "%s[0..%u): needs %u", hex[i], len,
                              in.length);
            }
        }
    }
    munmap(map, (size_t)pg * 2);
    cr_log_info("capstone: %u truncated prefixes reported invalid (no valid zero continuation)",
                cs_invalid);
}

/* The Capstone adapter keeps one handle per thread (thread-local): two
 * threads decoding different modes at once get the same answers as one. */
struct cs_job {
    mmioemu_mode mode;
    unsigned long mismatches;
};

static void *cs_thread(void *arg)
{
    struct cs_job *j = arg;
    corpus_rng rng;
    corpus_seed(&rng, 42 + (unsigned)j->mode);
    for (int i = 0; i < 20000; i++) {
        uint8_t b[16];
        mmioemu_insn a, c;
        unsigned n = corpus_x86_one(&rng, j->mode, b, NULL);
        mmioemu_status sa = mmioemu_decode(MMIOEMU_BACKEND_CAPSTONE, j->mode, b, n, &a);
        mmioemu_status sc = mmioemu_decode(MMIOEMU_BACKEND_CAPSTONE, j->mode, b, n, &c);
        if (sa != sc || (sa == MMIOEMU_OK && memcmp(&a, &c, sizeof(a))))
            j->mismatches++;
    }
    return NULL;
}

Test(x86_backends, capstone_adapter_is_safe_from_concurrent_threads)
{
    pthread_t th[2];
    struct cs_job jobs[2] = {{MMIOEMU_X86_64, 0}, {MMIOEMU_X86_32, 0}};
    if (!have_backends())
        cr_skip_test("Zydis and Capstone backends not built in");
    for (int i = 0; i < 2; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, cs_thread, &jobs[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    /* and the same results as this thread gets alone */
    struct cs_job solo = {MMIOEMU_X86_64, 0};
    cs_thread(&solo);
    cr_assert_eq(jobs[0].mismatches + jobs[1].mismatches + solo.mismatches, 0);
}

/* Implicit memory operands are memory operands (insn.h: NO_MEMORY_OPERAND
 * means the instruction cannot have caused a data fault): XLAT reads
 * DS:[rBX+AL], INS writes ES:[rDI], OUTS reads DS:[rSI], MASKMOVQ and
 * MASKMOVDQU write DS:[rDI] (SDM Vol. 2B XLAT, INS, OUTS, MASKMOVQ,
 * MASKMOVDQU). The stack slots of PUSH/RET/PUSHF/LEAVE are not treated as
 * device accesses by any backend. */
Test(x86_backends, implicit_memory_operands_are_memory_operands)
{
    static const struct {
        const char *hex;
        int mem;
    } v[] = {{"d7", 1}, {"6c", 1}, {"6e", 1}, {"0ff7c1", 1}, {"660ff7c1", 1},
             {"50", 0}, {"c3", 0}, {"9c", 0}, {"c9", 0},     {"e800000000", 0}};
    if (!have_backends())
        cr_skip_test("Zydis and Capstone backends not built in");
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        uint8_t b[16];
        unsigned n = unhex(v[i].hex, b);
        for (int be = 0; be < MMIOEMU_BACKEND_COUNT_; be++) {
            mmioemu_insn in;
            mmioemu_status st = mmioemu_decode((mmioemu_backend)be, MMIOEMU_X86_64, b, n, &in);
            cr_expect_eq(st, v[i].mem ? MMIOEMU_OK : MMIOEMU_ERR_NO_MEMORY_OPERAND,
                         "%s backend %d: %s", v[i].hex, be, mmioemu_status_name(st));
            if (st == MMIOEMU_OK)
                cr_expect_eq(in.length, n, "%s backend %d: length", v[i].hex, be);
        }
    }
}
