/* Random x86-64 MMIO-form cases from the form table (x86gen_forms.c):
 * prefixes, REX/VEX/EVEX, ModRM/SIB addressing, and register values solved
 * so the memory operand lands at a chosen target in (or across) the window.
 * Encodings per SDM Vol. 2A ch. 2; nothing here asks our decoder. */
#include "x86gen_gen.h"
#include "x86gen_forms.h"

#include <stdio.h>
#include <string.h>

void x86gen_seed(x86gen_rng *r, uint64_t seed)
{
    r->s = seed * 0x9e3779b97f4a7c15ull + 0x1234567ull;
    if (!r->s)
        r->s = 1;
}

uint64_t x86gen_next(x86gen_rng *r)
{
    uint64_t x = r->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return x * 0x2545f4914f6cdd1dull;
}

static unsigned rnd(x86gen_rng *r, unsigned n)
{
    return (unsigned)(x86gen_next(r) % n);
}

unsigned x86gen_form_count(void)
{
    return x86gen_form_table_n;
}
const char *x86gen_form_name(unsigned f)
{
    return f < x86gen_form_table_n ? x86gen_form_table[f].name : "?";
}
const char *x86gen_group_name(unsigned g)
{
    static const char *const n[X86GEN_G_COUNT] = {"mov",  "movx", "string", "alu", "unary",
                                                  "xchg", "bt",   "misc",   "sse", "avx"};
    return g < X86GEN_G_COUNT ? n[g] : "?";
}

void x86gen_fill_area(uint8_t *area)
{
    for (uint64_t i = 0; i < X86GEN_AREA_SIZE; i++) {
        uint64_t a = X86GEN_AREA + i;
        area[i] = x86gen_in_window(a) ? x86gen_mmio_byte(a) : x86gen_ram_byte(a);
    }
}

/* Value an access of n bytes at a would read (memory order, little endian). */
static uint64_t mem_value(uint64_t a, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n && i < 8; i++) {
        uint64_t b = a + i;
        v |= (uint64_t)(x86gen_in_window(b) ? x86gen_mmio_byte(b) : x86gen_ram_byte(b)) << (8 * i);
    }
    return v;
}

static uint64_t mm_mask_(unsigned bytes)
{
    return bytes >= 8 ? ~0ull : (1ull << (8 * bytes)) - 1;
}

static uint64_t interesting(x86gen_rng *r)
{
    static const uint64_t v[] = {0,
                                 1,
                                 0x7f,
                                 0x80,
                                 0xff,
                                 0x7fff,
                                 0x8000,
                                 0xffff,
                                 0x7fffffff,
                                 0x80000000,
                                 0xffffffff,
                                 0x7fffffffffffffffull,
                                 0x8000000000000000ull,
                                 ~0ull};
    return rnd(r, 3) ? x86gen_next(r) : v[rnd(r, sizeof v / sizeof v[0])];
}

/* Per-case encoding choices. */
typedef struct enc {
    uint8_t osz;   /* 1, 2, 4, 8: operand size */
    uint8_t msize; /* bytes of the memory operand */
    uint8_t rexw, rexr, rexx, rexb, need_rex;
    uint8_t a32; /* 67 */
    uint8_t seg; /* 0 none, 0x64 FS, 0x65 GS, or an ignored 26/2E/36/3E */
    uint8_t vl;  /* VEX/EVEX: 0, 1, 2 = 128/256/512 */
    int reg;     /* ModRM.reg value 0..15 (or 0..31 for EVEX) */
    uint8_t aluop;
} enc;

static void pick_sizes(x86gen_rng *r, const x86gen_form *f, enc *e)
{
    unsigned k = rnd(r, 3); /* 0: 16, 1: 32, 2: 64 */
    e->osz = (uint8_t)(2u << k);
    if (f->msz == S_V32 || (f->fl & F_NO66))
        e->osz = rnd(r, 2) ? 8 : 4;
    e->rexw = e->osz == 8;
    switch (f->msz) {
    case S_B: e->msize = 1; break;
    case S_V: e->msize = e->osz; break;
    case S_V32: e->msize = e->osz; break;
    case S_W: e->msize = 2; break;
    case S_D:
        e->msize = 4;
        e->rexw = 0;
        break;
    case S_Q:
        e->msize = 8;
        e->rexw = 0;
        break;
    case S_X:
        e->msize = 16;
        e->rexw = 0;
        break;
    case S_DQ: e->msize = e->osz; break;
    case S_CX:
        e->rexw = (f->fl & F_W1) != 0;
        e->msize = e->rexw ? 16 : 8;
        break;
    case S_Z:
        e->msize = 64;
        e->rexw = 0;
        break;
    case S_VL:
        do
            e->vl = (uint8_t)rnd(r, 3);
        while (!(f->vl_mask & (1u << e->vl)));
        e->msize = (uint8_t)(16u << e->vl);
        e->rexw = (f->fl & F_W1) != 0;
        break;
    }
    /* MOVSXD with REX.W reads 4 bytes (SDM MOVSXD r64, r/m32) */
    if (f->map == 0 && f->op == 0x63 && e->rexw)
        e->msize = 4;
    if (f->msz == S_B && !(f->fl & F_REGV))
        e->rexw = rnd(r, 4) == 0; /* REX.W is ignored for byte forms */
}

/* Choose the target: usually inside the window, sometimes straddling a page
 * boundary (RAM->window, window->window, window->RAM). */
static uint64_t pick_target(x86gen_rng *r, unsigned size, unsigned align, int may_split,
                            unsigned room)
{
    if (may_split && size > 1 && rnd(r, 5) == 0) {
        static const uint64_t edge[3] = {X86GEN_WIN, X86GEN_WIN + 0x1000, X86GEN_WIN + 0x2000};
        return edge[rnd(r, 3)] - 1 - rnd(r, size - 1);
    }
    uint64_t lo = X86GEN_WIN + room, span = X86GEN_WIN_SIZE - 2 * room - size;
    uint64_t t = lo + rnd(r, (unsigned)span);
    if (align > 1)
        t &= ~(uint64_t)(align - 1);
    else if (rnd(r, 2))
        t &= ~(uint64_t)(size - 1); /* half the time naturally aligned */
    return t;
}

/* Emits legacy prefixes in a random order, maybe with a stray (ignored) REX
 * before the last one (SDM Vol. 2A 2.2.1: REX must immediately precede the
 * opcode, else it is ignored). */
static void emit_prefixes(x86gen_rng *r, uint8_t *b, unsigned *n, const uint8_t *p, unsigned np,
                          int stray_ok)
{
    uint8_t q[8];
    memcpy(q, p, np);
    for (unsigned i = np; i > 1; i--) {
        unsigned j = rnd(r, i);
        uint8_t t = q[i - 1];
        q[i - 1] = q[j];
        q[j] = t;
    }
    for (unsigned i = 0; i < np; i++) {
        if (stray_ok && i == np - 1 && rnd(r, 6) == 0)
            b[(*n)++] = (uint8_t)(0x40 | rnd(r, 16));
        b[(*n)++] = q[i];
    }
}

/* Address expression solved for a target. */
typedef struct addr {
    int kind; /* 0 [base+disp], 1 SIB, 2 SIB no base, 3 RIP, 4 abs disp32 */
    int base, index;
    unsigned ss;
    int mod;
    int32_t disp;
} addr;

static void pick_addr(x86gen_rng *r, addr *a, int avoid1, int avoid2)
{
    a->kind = (int)rnd(r, 10);
    a->kind = a->kind < 4 ? 0 : a->kind < 7 ? 1 : a->kind < 8 ? 2 : a->kind < 9 ? 3 : 4;
    do
        a->base = (int)rnd(r, 16);
    while (a->base == 4 || a->base == avoid1 || a->base == avoid2);
    do
        a->index = (int)rnd(r, 16);
    while (a->index == 4 || a->index == a->base || a->index == avoid1 || a->index == avoid2);
    a->ss = rnd(r, 4);
    a->mod = (int)rnd(r, 3);
    if ((a->kind == 0 || a->kind == 1) && a->mod == 0 && (a->base & 7) == 5)
        a->mod = 1; /* mod 00 with base 101 means no base / RIP (SDM Table 2-2, 2-3) */
    if (a->kind == 0 && (a->base & 7) == 4)
        a->kind = 1; /* rm 100 means SIB: R12 needs a SIB byte */
    if (a->kind >= 2)
        a->mod = 0;
    a->disp = a->mod == 1 ? (int8_t)rnd(r, 256) : (int32_t)(rnd(r, 0x20000) - 0x10000);
    if (a->mod == 0 && a->kind <= 1)
        a->disp = 0; /* mod 00: no displacement bytes */
}

/* ModRM (+SIB) (+disp) for `reg` and address a; returns offset of disp32
 * for RIP patching, or -1. evex_n: disp8 scale (EVEX disp8*N), else 1. */
static int emit_modrm(uint8_t *b, unsigned *n, int reg, const addr *a)
{
    int rel = -1;
    unsigned modrm = (unsigned)(reg & 7) << 3;
    switch (a->kind) {
    case 0: b[(*n)++] = (uint8_t)(modrm | (unsigned)a->mod << 6 | (unsigned)(a->base & 7)); break;
    case 1:
        b[(*n)++] = (uint8_t)(modrm | (unsigned)a->mod << 6 | 4);
        b[(*n)++] = (uint8_t)(a->ss << 6 | (unsigned)(a->index & 7) << 3 | (unsigned)(a->base & 7));
        break;
    case 2:
        b[(*n)++] = (uint8_t)(modrm | 4);
        b[(*n)++] = (uint8_t)(a->ss << 6 | (unsigned)(a->index & 7) << 3 | 5);
        break;
    case 3:
        b[(*n)++] = (uint8_t)(modrm | 5);
        rel = (int)*n;
        break;
    case 4:
        b[(*n)++] = (uint8_t)(modrm | 4);
        b[(*n)++] = 0x25; /* SIB index 100 (none), base 101 (disp32) */
        break;
    }
    return rel;
}

static void emit_disp(uint8_t *b, unsigned *n, const addr *a, int scale8)
{
    if (a->mod == 1) {
        b[(*n)++] = (uint8_t)(a->disp / scale8);
    } else {
        uint32_t d = (uint32_t)a->disp;
        for (int i = 0; i < 4; i++)
            b[(*n)++] = (uint8_t)(d >> (8 * i));
    }
}

/* Give base/index/segment values so the operand's linear address is t.
 * SDM Vol. 1 3.7.5: base + index*scale + disp, wrapped to the address size;
 * in 64-bit mode only FS/GS add a base (Vol. 3A 3.4.4). */
static uint64_t solve_addr(x86gen_rng *r, x86gen_case *c, const enc *e, addr *a, uint64_t t)
{
    uint64_t segbase = 0;
    if (e->seg == 0x64 || e->seg == 0x65) {
        segbase = rnd(r, 2) ? (uint64_t)rnd(r, 0x40000) << 12 : (t & ~0xfffull) - 0x1000;
        if (e->a32 && segbase > t)
            segbase = 0;
        if (e->seg == 0x64)
            c->fs_base = segbase;
        else
            c->gs_base = segbase;
    }
    uint64_t ea = t - segbase;
    uint64_t hi = e->a32 ? (x86gen_next(r) & ~0xffffffffull) : 0; /* ignored under 67 */
    if (a->kind == 3)
        return segbase; /* disp patched once the instruction length is known */
    if (a->kind == 4) {
        if (e->a32 || ea >= 0x80000000ull) { /* [disp32] is sign-extended: keep it < 2G */
            a->kind = 2;                     /* fall back to index-only form */
        } else {
            a->disp = (int32_t)ea;
            return segbase;
        }
    }
    if (a->kind == 2) {
        uint64_t idx = (ea >> a->ss) - rnd(r, 0x800); /* disp32 stays small and positive */
        a->disp = (int32_t)(ea - (idx << a->ss));
        c->gpr[a->index] = idx | hi;
        return segbase;
    }
    uint64_t rest = ea - (uint64_t)(int64_t)a->disp;
    if (a->kind == 1) {
        uint64_t idx =
            rnd(r, 3) ? (uint64_t)(int64_t)(int32_t)(rnd(r, 0x4000) - 0x2000) : x86gen_next(r);
        if (e->a32)
            idx &= 0xffffffffull;
        c->gpr[a->index] = idx | hi;
        rest -= idx << a->ss;
    }
    if (e->a32)
        rest &= 0xffffffffull;
    c->gpr[a->base] = rest | hi;
    return segbase;
}

/* Registers the harness owns or the form uses implicitly are not data/base. */
static int pick_data_reg(x86gen_rng *r, const x86gen_form *f, int *lowregs)
{
    *lowregs = 0;
    if (f->fl & F_XMM)
        return (int)rnd(r, f->enc == E_EVEX ? 32 : 16);
    int reg = (int)rnd(r, 16);
    if (reg == 4) {
        if (f->msz == S_B && f->enc == E_LEG && !(f->fl & F_REGV) && f->op != 0xc6 && f->ext < 0) {
            *lowregs = 1; /* AH: no REX allowed (SDM Vol. 2A 3.1.1.1 Table 3-1) */
            return 4;
        }
        reg = 5 + (int)rnd(r, 11);
    }
    return reg;
}

static void emit_opcode(uint8_t *b, unsigned *n, const x86gen_form *f, uint8_t op)
{
    if (f->map >= 1)
        b[(*n)++] = 0x0f;
    if (f->map == 2)
        b[(*n)++] = 0x38;
    if (f->map == 3)
        b[(*n)++] = 0x3a;
    b[(*n)++] = op;
}

static unsigned pp_of(uint8_t pfx)
{
    return pfx == 0x66 ? 1 : pfx == 0xf3 ? 2 : pfx == 0xf2 ? 3 : 0;
}

static void emit_vex(uint8_t *b, unsigned *n, const x86gen_form *f, const enc *e, const addr *a)
{
    unsigned R = (unsigned)(e->reg >> 3) & 1, X = a->index >= 8 && (a->kind == 1 || a->kind == 2);
    unsigned B = a->base >= 8 && (a->kind <= 1), pp = pp_of(f->pfx);
    if (f->enc == E_VEX) {
        if (!X && !B && !e->rexw && f->map == 1) { /* SDM 2.3.5: 2-byte VEX */
            b[(*n)++] = 0xc5;
            b[(*n)++] = (uint8_t)((!R) << 7 | 0xf << 3 | (unsigned)e->vl << 2 | pp);
        } else {
            b[(*n)++] = 0xc4;
            b[(*n)++] = (uint8_t)((!R) << 7 | (!X) << 6 | (!B) << 5 | f->map);
            b[(*n)++] = (uint8_t)((unsigned)e->rexw << 7 | 0xf << 3 | (unsigned)e->vl << 2 | pp);
        }
    } else { /* SDM 2.7.1 Table 2-30: 62 P0 P1 P2 */
        unsigned R2 = (unsigned)(e->reg >> 4) & 1;
        b[(*n)++] = 0x62;
        b[(*n)++] = (uint8_t)((!R) << 7 | (!X) << 6 | (!B) << 5 | (!R2) << 4 | f->map);
        b[(*n)++] = (uint8_t)((unsigned)e->rexw << 7 | 0xf << 3 | 1 << 2 | pp);
        b[(*n)++] = (uint8_t)((unsigned)e->vl << 5 | 1 << 3);
    }
    b[(*n)++] = f->op;
}

static void emit_imm(x86gen_rng *r, uint8_t *b, unsigned *n, unsigned bytes)
{
    uint64_t v = interesting(r);
    for (unsigned i = 0; i < bytes; i++)
        b[(*n)++] = (uint8_t)(v >> (8 * i));
}

/* String forms: pick sides, count and direction so every element stays in
 * the area; rSI/rDI/rCX at the address size (SDM Vol. 2B MOVS/STOS/LODS). */
static void build_string(x86gen_rng *r, x86gen_case *c, const x86gen_form *f, const enc *e, int rep)
{
    unsigned sz = e->msize, df = (c->rflags >> 10) & 1;
    uint64_t cnt = rep ? (rnd(r, 5) == 0 ? 0 : 1 + rnd(r, rnd(r, 2) ? 8 : 40)) : 1;
    uint64_t span = (cnt ? cnt : 1) * sz;
    int side = (f->fl & F_STOS) ? 1 : (f->fl & F_LODS) ? 0 : (int)rnd(r, 3);
    /* window range: may cross the page boundary in the middle of the window */
    uint64_t wlo = X86GEN_WIN + 0x40, whi = X86GEN_WIN + X86GEN_WIN_SIZE - 0x40 - span;
    uint64_t w = wlo + rnd(r, (unsigned)(whi - wlo));
    if (rnd(r, 4) == 0)
        w = X86GEN_WIN + 0x1000 - sz * (1 + rnd(r, (unsigned)(cnt ? cnt : 1)));
    w &= ~(uint64_t)(rnd(r, 2) ? sz - 1 : 0);
    uint64_t ramp = rnd(r, 2) ? X86GEN_RAM_LO : X86GEN_RAM_HI;
    uint64_t m = ramp + 0x40 + rnd(r, (unsigned)(0x1000 - 0x80 - span));
    uint64_t first_w = df ? w + span - sz : w, first_m = df ? m + span - sz : m;
    uint64_t src, dst;
    if (side == 0) {
        src = first_w, dst = first_m;
    } else if (side == 1) {
        src = first_m, dst = first_w;
    } else {
        src = first_w;
        dst = (first_w >= X86GEN_WIN + 0x1000 ? X86GEN_WIN + 0x100 : X86GEN_WIN + 0x1100) +
              (df ? span : 0) + rnd(r, 0x200);
    }
    c->target = side == 1 ? dst : src;
    uint64_t segbase = 0, hi = e->a32 ? x86gen_next(r) & ~0xffffffffull : 0;
    if (e->seg == 0x64 || e->seg == 0x65) {
        segbase = (uint64_t)rnd(r, 0x30000) << 12;
        if (segbase > src)
            segbase = 0;
        *(e->seg == 0x64 ? &c->fs_base : &c->gs_base) = segbase;
    }
    c->gpr[6] = (src - segbase) | (rnd(r, 2) ? hi : 0);
    c->gpr[7] = dst | hi; /* ES: no override, base 0 in 64-bit mode */
    c->gpr[1] = rep ? (cnt | (e->a32 ? hi : 0)) : x86gen_next(r);
    c->no_access = rep && cnt == 0;
}

static int build(x86gen_rng *r, unsigned fi, x86gen_case *c)
{
    const x86gen_form *f = &x86gen_form_table[fi];
    enc e;
    addr a;
    uint8_t pfx[8], *b = c->bytes;
    unsigned np = 0, n = 0, used = 0; /* used: address registers */

    memset(c, 0, sizeof *c);
    memset(&e, 0, sizeof e);
    memset(&a, 0, sizeof a);
    c->form = (uint16_t)fi;
    c->group = f->group;
    for (int i = 0; i < 16; i++)
        c->gpr[i] = interesting(r);
    c->gpr[4] = 0;
    c->rflags = 0x2 | (x86gen_next(r) & UF_ALL) | (rnd(r, 2) ? 0x400u : 0);
    c->undef_flags = f->undef;
    pick_sizes(r, f, &e);
    int lowregs = 0;
    e.reg = (f->enc == E_STR || f->enc == E_MOFFS) ? 0 : pick_data_reg(r, f, &lowregs);
    if (f->ext >= 0)
        e.reg = f->ext;
    if (f->ext == -2 || (f->map == 0 && f->op <= 3))
        e.aluop = (uint8_t)rnd(r, 8);
    if (f->ext == -2)
        e.reg = e.aluop;
    if (e.aluop == 1 || e.aluop == 4 || e.aluop == 6)
        if (f->ext == -2 || (f->map == 0 && f->op <= 3))
            c->undef_flags |= UF_LOGIC;
    if (lowregs)
        e.rexw = 0;
    unsigned sr = rnd(r, 16);
    e.seg = sr < 4    ? 0x64
            : sr < 6  ? 0x65
            : sr == 6 ? (uint8_t[]){0x26, 0x2e, 0x36, 0x3e}[rnd(r, 4)]
                      : 0;
    e.a32 = rnd(r, 6) == 0;
    int vex = f->enc == E_VEX || f->enc == E_EVEX;
    int locked = 0, rep = 0;
    if (e.seg)
        pfx[np++] = e.seg;
    if (e.a32)
        pfx[np++] = 0x67;
    if (!vex && e.osz == 2 && (f->msz == S_V || (f->fl & F_REGV)) && !(f->fl & F_NO66))
        pfx[np++] = 0x66;
    if ((f->fl & F_LOCK) && e.aluop != 7 && rnd(r, 2))
        pfx[np++] = 0xf0, locked = 1;
    if ((f->fl & F_XCHG) && rnd(r, 4) == 0)
        pfx[np++] = 0xf0;
    if (f->enc == E_STR && rnd(r, 4))
        pfx[np++] = 0xf3, rep = 1;
    if (f->fl & F_XCHG)
        locked = 1;
    emit_prefixes(r, b, &n, pfx, np, !vex);
    if (f->pfx && !vex)
        b[n++] = f->pfx; /* mandatory prefix after the others (SDM 2.1.1) */

    /* memory operand placement */
    unsigned align = (f->fl & F_ALIGN) ? e.msize : locked ? (e.msize > 8 ? 16 : e.msize) : 1;
    if (f->enc == E_DIR64B)
        align = 64;
    int may_split = align == 1 && !(f->fl & F_BTREG);
    uint64_t t = pick_target(r, e.msize, align, may_split, (f->fl & F_BTREG) ? 0x100 : 0);
    if (((f->fl & F_ALIGN) || f->enc == E_DIR64B) && rnd(r, 8) == 0) {
        t += 1 + rnd(r, align - 1); /* SDM: #GP(0) unless aligned (MOVAPS, MOVDIR64B dest...) */
        c->flags |= X86GEN_C_GP;
    }
    c->target = t;

    if (f->enc == E_STR) {
        if (e.rexw)
            b[n++] = 0x48;
        b[n++] = f->op;
        build_string(r, c, f, &e, rep);
    } else if (f->enc == E_MOFFS) {
        if (e.rexw || rnd(r, 4) == 0)
            b[n++] = (uint8_t)(0x40 | (e.rexw ? 8 : 0) | rnd(r, 8)); /* R/X/B unused */
        b[n++] = f->op;
        uint64_t segbase = 0;
        if (e.seg == 0x64 || e.seg == 0x65) {
            segbase = (uint64_t)rnd(r, 0x30000) << 12;
            *(e.seg == 0x64 ? &c->fs_base : &c->gs_base) = segbase;
        }
        uint64_t off = t - segbase; /* SDM 2.2.1.4: moffs is 8 bytes, 4 with 67 */
        for (unsigned i = 0; i < (e.a32 ? 4u : 8u); i++)
            b[n++] = (uint8_t)(off >> (8 * i));
    } else {
        int avoid = (f->fl & F_BTREG) || f->enc == E_DIR64B ? e.reg : -1;
        if (f->enc == E_DIR64B)
            c->target = t;
        pick_addr(r, &a, avoid, -1);
        if (lowregs) {
            a.base &= 7, a.index &= 7;
            if (a.base == 4)
                a.base = 3;
            if (a.index == 4 || a.index == a.base)
                a.index = a.base == 6 ? 7 : 6;
        }
        int n8 = f->enc == E_EVEX ? e.msize : 1; /* SDM 2.7.5 disp8*N */
        if (a.mod == 1)
            a.disp = (int8_t)a.disp * n8;
        uint64_t mt = t; /* where the ModRM operand points */
        if (f->enc == E_DIR64B) {
            mt = (rnd(r, 2) ? X86GEN_RAM_LO : X86GEN_RAM_HI) + rnd(r, 0x1000 - 64);
            c->gpr[e.reg] = t | (e.a32 ? x86gen_next(r) & ~0xffffffffull : 0);
        }
        if (f->fl & F_BTREG) { /* SDM BT: address += floor(offset / bits) * size */
            int64_t off = (int64_t)rnd(r, 1024) - 512;
            uint64_t v = x86gen_next(r);
            unsigned bits = e.osz * 8;
            v = e.osz == 8 ? (uint64_t)off
                           : (v & ~((1ull << bits) - 1)) | ((uint64_t)off & ((1ull << bits) - 1));
            c->gpr[e.reg] = v;
            int64_t q = off >= 0 ? off / bits : -((-off + bits - 1) / bits);
            c->target = t + (uint64_t)(q * (int64_t)e.osz);
        }
        uint64_t segbase = solve_addr(r, c, &e, &a, mt);
        if (a.kind <= 1)
            used |= 1u << a.base;
        if (a.kind == 1 || a.kind == 2)
            used |= 1u << a.index;
        if (f->enc == E_DIR64B || (f->fl & F_BTREG))
            used |= 1u << e.reg;
        int X = (a.kind == 1 || a.kind == 2) && a.index >= 8, B = a.kind <= 1 && a.base >= 8;
        int R = (e.reg >> 3) & 1;
        if (vex) {
            emit_vex(b, &n, f, &e, &a);
        } else {
            int rex = e.rexw || R || X || B || (!lowregs && rnd(r, 4) == 0);
            if (rex)
                b[n++] = (uint8_t)(0x40 | e.rexw << 3 | R << 2 | X << 1 | B);
            uint8_t op = f->op;
            if (f->map == 0 && f->op <= 3)
                op = (uint8_t)(op | e.aluop << 3);
            emit_opcode(b, &n, f, op);
        }
        int rel = emit_modrm(b, &n, e.reg, &a);
        if (a.kind >= 2 || a.mod != 0)
            emit_disp(b, &n, &a, n8);
        unsigned imm = f->imm == I_B ? 1 : f->imm == I_Z ? (e.osz == 2 ? 2 : 4) : 0;
        emit_imm(r, b, &n, imm);
        if (rel >= 0) { /* SDM 2.2.1.6: RIP-relative from the end of the instruction */
            uint32_t d = (uint32_t)(mt - segbase - (X86GEN_CODE + n));
            for (int i = 0; i < 4; i++)
                b[rel + i] = (uint8_t)(d >> (8 * i));
        }
        if (f->fl & F_XMM)
            c->flags |= X86GEN_C_VEC;
    }
    if (n > 15)
        return -1;
    c->len = (uint8_t)n;
    c->msize = e.msize;
    /* bias comparisons toward equality so ZF=1 / CMPXCHG success occur */
    if ((f->fl & F_RAXEQ) && rnd(r, 2) && !(used & 5u)) {
        c->gpr[0] = mem_value(c->target, e.msize);
        if (e.msize >= 8 && f->msz == S_CX) {
            c->gpr[0] = mem_value(c->target, 8 >> (e.msize == 8));
            c->gpr[2] = mem_value(c->target + e.msize / 2, 8 >> (e.msize == 8));
        }
    } else if (f->enc == E_LEG && !(f->fl & (F_XMM | F_BTREG)) && f->ext < 0 && rnd(r, 4) == 0 &&
               e.reg < 16 && !(used & (1u << (e.reg & 3))) && !(used & (1u << e.reg))) {
        uint64_t v = mem_value(c->target, e.msize);
        if (e.reg >= 4 && e.reg < 8 && e.msize == 1 && lowregs)
            c->gpr[e.reg - 4] = (c->gpr[e.reg - 4] & ~0xff00ull) | v << 8;
        else if (e.msize < 8)
            c->gpr[e.reg] = (c->gpr[e.reg] & ~mm_mask_(e.msize)) | v;
        else
            c->gpr[e.reg] = v;
    }
    c->gpr[4] = 0;
    c->bits = 64;
    c->ip = X86GEN_CODE;
    c->seg_base[4] = c->fs_base;
    c->seg_base[5] = c->gs_base;
    if (f->enc == E_STR)
        c->flags |= X86GEN_C_STRING;
    if (locked)
        c->flags |= X86GEN_C_LOCK;
    if (f->fl & F_KVMCPU)
        c->flags |= X86GEN_C_KVM_CPU;
    if (f->fl & F_REQ)
        c->flags |= X86GEN_C_REQUIRED;
    /* KVM reads 4 bytes for 66 63 (its table says SrcMem32); SDM MOVSXD
     * r16, r/m16 and the CPU read 2 (docs/oracles.md) */
    if (f->map == 0 && f->op == 0x63 && e.msize == 2)
        c->flags |= X86GEN_C_KVM_QUIRK;
    return 0;
}

int x86gen_case_form(x86gen_rng *r, unsigned form, x86gen_case *c)
{
    if (form >= x86gen_form_table_n)
        return -1;
    while (build(r, form, c) != 0)
        ;
    return 0;
}

int x86gen_case_make(x86gen_rng *r, int only_group, x86gen_case *c)
{
    unsigned f;
    do
        f = rnd(r, x86gen_form_table_n);
    while (only_group >= 0 && x86gen_form_table[f].group != only_group);
    return x86gen_case_form(r, f, c);
}

void x86gen_hex(const x86gen_case *c, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < c->len && o + 4 < n; i++)
        o += (size_t)snprintf(buf + o, n - o, "%s%02x", i ? " " : "", c->bytes[i]);
}
