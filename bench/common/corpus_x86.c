/* Random MMIO-form x86 instructions from SDM encoding templates (Vol. 2A
 * chapter 2 for prefixes/ModRM/SIB/immediates, Vol. 2 instruction pages for
 * the opcodes), for the decoder benchmark and the backend agreement test.
 * Written from the manual, not from any decoder; the length returned is the
 * sum of the parts emitted. Also: the .text of an ELF64 file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus_x86.h"

enum { IMM_NONE, IMM_B, IMM_Z, IMM_MOFFS };
enum {
    T_V = 1u << 0,        /* operand size v: 66 and REX.W may change it */
    T_LOCK = 1u << 1,     /* LOCK allowed (SDM Vol. 2A LOCK: memory destination forms) */
    T_LOCK_NO7 = 1u << 2, /* ... except /7 (CMP) or /4 (BT) as selected below */
    T_REP = 1u << 3,      /* F3 allowed (string instructions) */
    T_NOMODRM = 1u << 4,
    T_64 = 1u << 5,      /* 64-bit mode only */
    T_W = 1u << 6,       /* REX.W required (MOVSXD) */
    T_WOK = 1u << 7,     /* REX.W allowed, 66 not (MOVNTI, MOVDIRI, CMPXCHG8B/16B, MOVD/Q) */
    T_ALU = 1u << 8,     /* opcode | (random 0..7) << 3: ADD..CMP rows; LOCK unless CMP */
    T_VEX = 1u << 9,     /* two-byte VEX (C5), map 0F, L random */
    T_REPNE = 1u << 10,  /* F2 or F3 allowed (CMPS/SCAS: REPNE/REPE) */
    T_EVEX = 1u << 11,   /* EVEX (62), map 0F, L'L random, unmasked */
    T_NOT16 = 1u << 12,  /* not generated in 16-bit mode */
    T_EVEX_W = 1u << 13, /* EVEX.W = 1 */
};

typedef struct tmpl {
    const char *name;
    uint8_t map; /* 0 one-byte, 1 0F, 2 0F 38 */
    uint8_t op;
    uint8_t mpfx;           /* mandatory prefix (66/F2/F3) or VEX.pp source, 0 none */
    uint8_t regmin, regmax; /* ModRM.reg range (/n fixed: min == max) */
    uint8_t imm;
    uint16_t fl;
} tmpl;

#define R 0, 7
static const tmpl tmpls[] = {
    /* MOV (SDM Vol. 2B MOV) */
    {"mov r/m8,r8", 0, 0x88, 0, R, IMM_NONE, 0},
    {"mov r/m,r", 0, 0x89, 0, R, IMM_NONE, T_V},
    {"mov r8,r/m8", 0, 0x8a, 0, R, IMM_NONE, 0},
    {"mov r,r/m", 0, 0x8b, 0, R, IMM_NONE, T_V},
    {"mov r/m8,imm8", 0, 0xc6, 0, 0, 0, IMM_B, 0},
    {"mov r/m,imm", 0, 0xc7, 0, 0, 0, IMM_Z, T_V},
    {"mov al,moffs", 0, 0xa0, 0, 0, 0, IMM_MOFFS, T_NOMODRM},
    {"mov eax,moffs", 0, 0xa1, 0, 0, 0, IMM_MOFFS, T_NOMODRM | T_V},
    {"mov moffs,al", 0, 0xa2, 0, 0, 0, IMM_MOFFS, T_NOMODRM},
    {"mov moffs,eax", 0, 0xa3, 0, 0, 0, IMM_MOFFS, T_NOMODRM | T_V},
    /* MOVZX / MOVSX / MOVSXD */
    {"movzx r,m8", 1, 0xb6, 0, R, IMM_NONE, T_V},
    {"movzx r,m16", 1, 0xb7, 0, R, IMM_NONE, T_V},
    {"movsx r,m8", 1, 0xbe, 0, R, IMM_NONE, T_V},
    {"movsx r,m16", 1, 0xbf, 0, R, IMM_NONE, T_V},
    {"movsxd r64,m32", 0, 0x63, 0, R, IMM_NONE, T_64 | T_W},
    /* strings (SDM Vol. 2B MOVS/STOS/LODS) */
    {"movsb", 0, 0xa4, 0, 0, 0, IMM_NONE, T_NOMODRM | T_REP},
    {"movs", 0, 0xa5, 0, 0, 0, IMM_NONE, T_NOMODRM | T_REP | T_V},
    {"stosb", 0, 0xaa, 0, 0, 0, IMM_NONE, T_NOMODRM | T_REP},
    {"stos", 0, 0xab, 0, 0, 0, IMM_NONE, T_NOMODRM | T_REP | T_V},
    {"lodsb", 0, 0xac, 0, 0, 0, IMM_NONE, T_NOMODRM | T_REP},
    {"lods", 0, 0xad, 0, 0, 0, IMM_NONE, T_NOMODRM | T_REP | T_V},
    {"cmpsb", 0, 0xa6, 0, 0, 0, IMM_NONE, T_NOMODRM | T_REPNE},
    {"cmps", 0, 0xa7, 0, 0, 0, IMM_NONE, T_NOMODRM | T_REPNE | T_V},
    {"scasb", 0, 0xae, 0, 0, 0, IMM_NONE, T_NOMODRM | T_REPNE},
    {"scas", 0, 0xaf, 0, 0, 0, IMM_NONE, T_NOMODRM | T_REPNE | T_V},
    /* ALU (ADD..CMP share the layout: op = base | n << 3) */
    {"alu r/m8,r8", 0, 0x00, 0, R, IMM_NONE, T_ALU | T_LOCK},
    {"alu r/m,r", 0, 0x01, 0, R, IMM_NONE, T_ALU | T_LOCK | T_V},
    {"alu r8,r/m8", 0, 0x02, 0, R, IMM_NONE, T_ALU},
    {"alu r,r/m", 0, 0x03, 0, R, IMM_NONE, T_ALU | T_V},
    {"alu r/m8,imm8", 0, 0x80, 0, R, IMM_B, T_LOCK | T_LOCK_NO7},
    {"alu r/m,imm", 0, 0x81, 0, R, IMM_Z, T_LOCK | T_LOCK_NO7 | T_V},
    {"alu r/m,imm8", 0, 0x83, 0, R, IMM_B, T_LOCK | T_LOCK_NO7 | T_V},
    {"test r/m8,r8", 0, 0x84, 0, R, IMM_NONE, 0},
    {"test r/m,r", 0, 0x85, 0, R, IMM_NONE, T_V},
    {"test r/m8,imm8", 0, 0xf6, 0, 0, 0, IMM_B, 0},
    {"test r/m,imm", 0, 0xf7, 0, 0, 0, IMM_Z, T_V},
    {"not/neg r/m8", 0, 0xf6, 0, 2, 3, IMM_NONE, T_LOCK},
    {"not/neg r/m", 0, 0xf7, 0, 2, 3, IMM_NONE, T_LOCK | T_V},
    {"inc/dec r/m8", 0, 0xfe, 0, 0, 1, IMM_NONE, T_LOCK},
    {"inc/dec r/m", 0, 0xff, 0, 0, 1, IMM_NONE, T_LOCK | T_V},
    /* XCHG, CMPXCHG, XADD, CMPXCHG8B/16B */
    {"xchg r/m8,r8", 0, 0x86, 0, R, IMM_NONE, T_LOCK},
    {"xchg r/m,r", 0, 0x87, 0, R, IMM_NONE, T_LOCK | T_V},
    {"cmpxchg r/m8,r8", 1, 0xb0, 0, R, IMM_NONE, T_LOCK},
    {"cmpxchg r/m,r", 1, 0xb1, 0, R, IMM_NONE, T_LOCK | T_V},
    {"xadd r/m8,r8", 1, 0xc0, 0, R, IMM_NONE, T_LOCK},
    {"xadd r/m,r", 1, 0xc1, 0, R, IMM_NONE, T_LOCK | T_V},
    {"cmpxchg8b/16b m", 1, 0xc7, 0, 1, 1, IMM_NONE, T_LOCK | T_WOK},
    /* BT family (SDM Vol. 2A BT/BTS/BTR/BTC) */
    {"bt r/m,r", 1, 0xa3, 0, R, IMM_NONE, T_V},
    {"bts r/m,r", 1, 0xab, 0, R, IMM_NONE, T_LOCK | T_V},
    {"btr r/m,r", 1, 0xb3, 0, R, IMM_NONE, T_LOCK | T_V},
    {"btc r/m,r", 1, 0xbb, 0, R, IMM_NONE, T_LOCK | T_V},
    {"bt* r/m,imm8", 1, 0xba, 0, 4, 7, IMM_B, T_LOCK | T_LOCK_NO7 | T_V},
    /* SSE moves (mandatory prefix first, then REX) */
    {"movups x,m", 1, 0x10, 0, R, IMM_NONE, 0},
    {"movups m,x", 1, 0x11, 0, R, IMM_NONE, 0},
    {"movupd x,m", 1, 0x10, 0x66, R, IMM_NONE, 0},
    {"movss x,m", 1, 0x10, 0xf3, R, IMM_NONE, 0},
    {"movss m,x", 1, 0x11, 0xf3, R, IMM_NONE, 0},
    {"movsd x,m", 1, 0x10, 0xf2, R, IMM_NONE, 0},
    {"movsd m,x", 1, 0x11, 0xf2, R, IMM_NONE, 0},
    {"movaps x,m", 1, 0x28, 0, R, IMM_NONE, 0},
    {"movaps m,x", 1, 0x29, 0, R, IMM_NONE, 0},
    {"movdqa x,m", 1, 0x6f, 0x66, R, IMM_NONE, 0},
    {"movdqa m,x", 1, 0x7f, 0x66, R, IMM_NONE, 0},
    {"movdqu x,m", 1, 0x6f, 0xf3, R, IMM_NONE, 0},
    {"movdqu m,x", 1, 0x7f, 0xf3, R, IMM_NONE, 0},
    {"movntdq m,x", 1, 0xe7, 0x66, R, IMM_NONE, 0},
    {"movntps m,x", 1, 0x2b, 0, R, IMM_NONE, 0},
    {"movd/q x,m", 1, 0x6e, 0x66, R, IMM_NONE, T_WOK},
    {"movd/q m,x", 1, 0x7e, 0x66, R, IMM_NONE, T_WOK},
    {"movq x,m64", 1, 0x7e, 0xf3, R, IMM_NONE, 0},
    {"movq m64,x", 1, 0xd6, 0x66, R, IMM_NONE, 0},
    {"movntdqa x,m", 2, 0x2a, 0x66, R, IMM_NONE, 0},
    /* VEX moves (SDM Vol. 2A 2.3.5: C5 R.vvvv.L.pp) */
    {"vmovups v,m", 1, 0x10, 0, R, IMM_NONE, T_VEX},
    {"vmovups m,v", 1, 0x11, 0, R, IMM_NONE, T_VEX},
    {"vmovaps v,m", 1, 0x28, 0, R, IMM_NONE, T_VEX},
    {"vmovdqa v,m", 1, 0x6f, 0x66, R, IMM_NONE, T_VEX},
    {"vmovdqa m,v", 1, 0x7f, 0x66, R, IMM_NONE, T_VEX},
    {"vmovdqu v,m", 1, 0x6f, 0xf3, R, IMM_NONE, T_VEX},
    {"vmovdqu m,v", 1, 0x7f, 0xf3, R, IMM_NONE, T_VEX},
    {"vmovntdq m,v", 1, 0xe7, 0x66, R, IMM_NONE, T_VEX},
    /* EVEX moves (SDM Vol. 2A 2.7: 62 P0 P1 P2; disp8 is scaled by N = the
     * vector length for these full-vector moves, 2.7.5) */
    {"vmovups z,m", 1, 0x10, 0, R, IMM_NONE, T_EVEX | T_NOT16},
    {"vmovups m,z", 1, 0x11, 0, R, IMM_NONE, T_EVEX | T_NOT16},
    {"vmovdqa32 z,m", 1, 0x6f, 0x66, R, IMM_NONE, T_EVEX | T_NOT16},
    {"vmovdqa64 m,z", 1, 0x7f, 0x66, R, IMM_NONE, T_EVEX | T_NOT16 | T_EVEX_W},
    {"vmovdqu32 z,m", 1, 0x6f, 0xf3, R, IMM_NONE, T_EVEX | T_NOT16},
    {"vmovdqu64 m,z", 1, 0x7f, 0xf3, R, IMM_NONE, T_EVEX | T_NOT16 | T_EVEX_W},
    /* MOVNTI, MOVBE, MOVDIRI, MOVDIR64B, cache flushes */
    {"movnti m,r", 1, 0xc3, 0, R, IMM_NONE, T_WOK},
    {"movbe r,m", 2, 0xf0, 0, R, IMM_NONE, T_V},
    {"movbe m,r", 2, 0xf1, 0, R, IMM_NONE, T_V},
    {"movdiri m,r", 2, 0xf9, 0, R, IMM_NONE, T_WOK},
    {"movdir64b r,m", 2, 0xf8, 0x66, R, IMM_NONE, 0},
    {"clflush m8", 1, 0xae, 0, 7, 7, IMM_NONE, 0},
    {"clflushopt m8", 1, 0xae, 0x66, 7, 7, IMM_NONE, 0},
    {"clwb m8", 1, 0xae, 0x66, 6, 6, IMM_NONE, 0},
};
#undef R

#define NTMPL (sizeof(tmpls) / sizeof(tmpls[0]))

void corpus_seed(corpus_rng *r, uint64_t seed)
{
    r->s = seed ? seed : 0x9e3779b97f4a7c15ull;
}

uint64_t corpus_next(corpus_rng *r) /* xorshift64* */
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}

static unsigned rnd(corpus_rng *r, unsigned n)
{
    return (unsigned)(corpus_next(r) % n);
}

unsigned corpus_x86_template_count(void)
{
    return NTMPL;
}

const char *corpus_x86_template_name(unsigned t)
{
    return t < NTMPL ? tmpls[t].name : "?";
}

static unsigned put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
    return n;
}

/* A random displacement that is often small, sometimes negative. */
static uint64_t rdisp(corpus_rng *r)
{
    uint64_t v = corpus_next(r);
    return rnd(r, 4) ? (v & 0xff) : v;
}

/* ModRM (mod != 11) + SIB + displacement for address size asz.
 * SDM Vol. 2A Table 2-1 (16-bit), Tables 2-2/2-3 (32/64-bit). */
static unsigned put_modrm(corpus_rng *r, uint8_t *p, unsigned reg, unsigned asz)
{
    unsigned mod = rnd(r, 3), rm = rnd(r, 8), n = 0;
    p[n++] = (uint8_t)(mod << 6 | (reg & 7) << 3 | rm);
    if (asz == 2) {
        if (mod == 1)
            n += put_le(p + n, rdisp(r), 1);
        else if (mod == 2 || (mod == 0 && rm == 6))
            n += put_le(p + n, rdisp(r), 2);
        return n;
    }
    if (rm == 4) {
        uint8_t sib = (uint8_t)corpus_next(r);
        p[n++] = sib;
        if (mod == 0 && (sib & 7) == 5)
            n += put_le(p + n, rdisp(r), 4); /* no base, disp32 (Table 2-3 note) */
    }
    if (mod == 1)
        n += put_le(p + n, rdisp(r), 1);
    else if (mod == 2 || (mod == 0 && rm == 5))
        n += put_le(p + n, rdisp(r), 4); /* mod 00 rm 101: disp32 / RIP+disp32 */
    return n;
}

static const uint8_t seg_pfx[6] = {0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65};

unsigned corpus_x86_one(corpus_rng *r, mmioemu_mode mode, uint8_t out[15], unsigned *tmpl_out)
{
    const tmpl *t;
    unsigned ti, n = 0, reg, p66 = 0, p67 = 0, w = 0, osz, asz;
    int m64 = mode == MMIOEMU_X86_64;

    do {
        ti = rnd(r, NTMPL);
        t = &tmpls[ti];
    } while (((t->fl & T_64) && !m64) || ((t->fl & T_NOT16) && mode == MMIOEMU_X86_16));
    if (tmpl_out)
        *tmpl_out = ti;
    reg = t->regmin + rnd(r, t->regmax - t->regmin + 1u);
    uint8_t op = t->op;
    if (t->fl & T_ALU)
        op = (uint8_t)(op | rnd(r, 8) << 3);
    int cmp_like = ((t->fl & T_ALU) && (op >> 3) == 7) ||
                   ((t->fl & T_LOCK_NO7) && reg == (t->op == 0xba ? 4 : 7));

    /* legacy prefixes: segment, 67, 66, LOCK, REP, then the mandatory one */
    if (!rnd(r, 8))
        out[n++] = seg_pfx[rnd(r, 6)];
    if (!rnd(r, 10)) {
        out[n++] = 0x67;
        p67 = 1;
    }
    if ((t->fl & T_V) && !t->mpfx && !rnd(r, 4)) {
        out[n++] = 0x66;
        p66 = 1;
    }
    if ((t->fl & T_LOCK) && !cmp_like && !rnd(r, 4))
        out[n++] = 0xf0;
    if ((t->fl & T_REP) && !rnd(r, 3))
        out[n++] = 0xf3;
    if ((t->fl & T_REPNE) && !rnd(r, 2))
        out[n++] = rnd(r, 2) ? 0xf3 : 0xf2;
    if (t->mpfx && !(t->fl & (T_VEX | T_EVEX)))
        out[n++] = t->mpfx;

    unsigned rex = 0;
    unsigned pp = t->mpfx == 0x66 ? 1 : t->mpfx == 0xf3 ? 2 : t->mpfx == 0xf2 ? 3 : 0;
    if (t->fl & T_EVEX) {
        /* P0 = R X B R' 0 0 m m (R..R' inverted; outside 64-bit mode R and X
         * must be 1 or the byte pair is BOUND), P1 = W vvvv 1 pp,
         * P2 = z L'L b V' aaa (unmasked, no broadcast) */
        unsigned hi = m64 ? rnd(r, 16) : 0xf;
        out[n++] = 0x62;
        out[n++] = (uint8_t)(hi << 4 | 1);
        out[n++] = (uint8_t)(!!(t->fl & T_EVEX_W) << 7 | 0xf << 3 | 1 << 2 | pp);
        out[n++] = (uint8_t)(rnd(r, 3) << 5 | 1 << 3);
    } else if (t->fl & T_VEX) {
        /* C5: R' (inverted, 64-bit only random), vvvv' = 1111, L, pp */
        unsigned rbar = m64 ? rnd(r, 2) : 1;
        out[n++] = 0xc5;
        out[n++] = (uint8_t)(rbar << 7 | 0xf << 3 | rnd(r, 2) << 2 | pp);
    } else if (m64 && ((t->fl & T_W) || rnd(r, 2))) {
        if ((t->fl & T_W) || ((t->fl & (T_V | T_WOK)) && !rnd(r, 3)))
            w = 1;
        rex = 0x40 | w << 3 | rnd(r, 8);
        out[n++] = (uint8_t)rex;
    }
    if (t->map >= 1 && !(t->fl & (T_VEX | T_EVEX))) /* C5 / EVEX.mm select the map */
        out[n++] = 0x0f;
    if (t->map == 2)
        out[n++] = 0x38;
    out[n++] = op;

    /* SDM Vol. 1 3.6: default operand size 16 in 16-bit mode, else 32;
     * 66 toggles; REX.W gives 64. Address size likewise with 67. */
    osz = mode == MMIOEMU_X86_16 ? 2 : 4;
    if (p66)
        osz = 6 - osz;
    if (w)
        osz = 8;
    asz = m64 ? 8 : mode == MMIOEMU_X86_16 ? 2 : 4;
    if (p67)
        asz = m64 ? 4 : 6 - asz;

    if (!(t->fl & T_NOMODRM))
        n += put_modrm(r, out + n, reg, asz);
    if (t->imm == IMM_B)
        n += put_le(out + n, corpus_next(r), 1);
    else if (t->imm == IMM_Z)
        n += put_le(out + n, corpus_next(r), osz == 2 ? 2 : 4);
    else if (t->imm == IMM_MOFFS)
        n += put_le(out + n, corpus_next(r), asz); /* SDM MOV: moffs is address-size wide */
    return n;
}

size_t corpus_x86_stream(uint64_t seed, mmioemu_mode mode, uint8_t *buf, size_t cap, size_t count,
                         uint32_t *offsets)
{
    corpus_rng r;
    size_t off = 0;
    corpus_seed(&r, seed);
    for (size_t i = 0; i < count && off + 15 <= cap; i++) {
        if (offsets)
            offsets[i] = (uint32_t)off;
        off += corpus_x86_one(&r, mode, buf + off, NULL);
    }
    return off;
}

static uint64_t rd(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

uint8_t *corpus_elf_text(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *img = NULL, *text = NULL;
    long sz;
    *n = 0;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) || (sz = ftell(f)) < 64 || fseek(f, 0, SEEK_SET) ||
        !(img = malloc((size_t)sz)) || fread(img, 1, (size_t)sz, f) != (size_t)sz)
        goto out;
    /* ELF64 LE header: e_shoff @0x28, e_shentsize @0x3a, e_shnum @0x3c, e_shstrndx @0x3e */
    if (memcmp(img, "\177ELF", 4) || img[4] != 2 || img[5] != 1)
        goto out;
    uint64_t shoff = rd(img + 0x28, 8);
    unsigned shentsize = (unsigned)rd(img + 0x3a, 2), shnum = (unsigned)rd(img + 0x3c, 2);
    unsigned shstrndx = (unsigned)rd(img + 0x3e, 2);
    if (shentsize < 64 || shstrndx >= shnum || shoff + (uint64_t)shnum * shentsize > (uint64_t)sz)
        goto out;
    const uint8_t *strsh = img + shoff + (uint64_t)shstrndx * shentsize;
    uint64_t stroff = rd(strsh + 0x18, 8);
    for (unsigned i = 0; i < shnum; i++) {
        const uint8_t *sh = img + shoff + (uint64_t)i * shentsize;
        uint64_t name = stroff + rd(sh, 4), off = rd(sh + 0x18, 8), size = rd(sh + 0x20, 8);
        if (name + 6 > (uint64_t)sz || memcmp(img + name, ".text", 6) || off + size > (uint64_t)sz)
            continue;
        if ((text = malloc(size ? size : 1)) != NULL) {
            memcpy(text, img + off, size);
            *n = size;
        }
        break;
    }
out:
    free(img);
    fclose(f);
    return text;
}
