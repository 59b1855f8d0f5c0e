/* 32- and 16-bit protected-mode cases for the KVM oracle, from the same form
 * table as the 64-bit generator. Outside 64-bit mode every segment base
 * counts (SDM Vol. 3A 3.4), so the operand is placed by choosing the
 * registers at random and solving the segment base; 16-bit addresses use the
 * BX/BP/SI/DI table (SDM Vol. 2A Table 2-1). */
#include "x86gen_gen.h"
#include "x86gen_forms.h"

#include <string.h>

static unsigned rnd(x86gen_rng *r, unsigned n)
{
    return (unsigned)(x86gen_next(r) % n);
}

static uint64_t value_at(uint64_t a, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n && i < 8; i++) {
        uint64_t b = a + i;
        v |= (uint64_t)(x86gen_in_window(b) ? x86gen_mmio_byte(b) : x86gen_ram_byte(b)) << (8 * i);
    }
    return v;
}

/* Forms this generator emits: the ones KVM's emulator runs at ring 0 (the
 * only oracle for these modes here) and that exist outside 64-bit mode. */
static int usable(const x86gen_form *f, unsigned bits)
{
    if (f->group == X86GEN_G_AVX || (f->fl & F_KVMCPU) || f->enc == E_DIR64B)
        return 0;
    if (f->map == 0 && f->op == 0x63)
        return 0; /* ARPL outside 64-bit mode */
    if (f->map == 2)
        return 0; /* MOVBE (KVM faults, docs/oracles.md), MOVDIRI */
    if (f->msz == S_V32 && bits == 16)
        return 0;
    return 1;
}

typedef struct lenc {
    unsigned bits, osz, asz, msize, reg, seg, o66, a67;
} lenc;

static const uint8_t seg_prefix[6] = {0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65};

/* ModRM/SIB/disp for a random address expression; returns its offset (ea)
 * and the default segment; avoid: register that must not be an address reg. */
static uint64_t emit_address(x86gen_rng *r, x86gen_case *c, const lenc *e, uint8_t *b, unsigned *n,
                             int avoid, unsigned *dseg, unsigned *used)
{
    uint64_t amask = e->asz == 2 ? 0xffff : 0xffffffff;
    unsigned mod = rnd(r, 3), regf = (e->reg & 7) << 3;
    int64_t disp = 0;
    uint64_t ea = 0;
    *dseg = 3;
    if (e->asz == 2) { /* SDM Table 2-1 */
        static const int base[8] = {3, 3, 5, 5, 6, 7, 5, 3},
                         index[8] = {6, 7, 6, 7, -1, -1, -1, -1};
        unsigned rm;
        do
            rm = rnd(r, 8);
        while (base[rm] == avoid || index[rm] == avoid);
        b[(*n)++] = (uint8_t)(mod << 6 | regf | rm);
        if (mod == 0 && rm == 6) { /* disp16 only */
            disp = (int64_t)rnd(r, 0x10000);
            b[(*n)++] = (uint8_t)disp, b[(*n)++] = (uint8_t)(disp >> 8);
            return (uint64_t)disp & amask;
        }
        if (rm == 2 || rm == 3 || rm == 6)
            *dseg = 2; /* BP-based: SS */
        ea = c->gpr[base[rm]];
        *used |= 1u << base[rm];
        if (index[rm] >= 0)
            ea += c->gpr[index[rm]], *used |= 1u << index[rm];
        if (mod == 1)
            disp = (int8_t)rnd(r, 256), b[(*n)++] = (uint8_t)disp;
        if (mod == 2) {
            disp = (int64_t)rnd(r, 0x10000);
            b[(*n)++] = (uint8_t)disp, b[(*n)++] = (uint8_t)(disp >> 8);
        }
        return (ea + (uint64_t)disp) & amask;
    }
    unsigned kind = rnd(r, 4), bs, ix, ss = rnd(r, 4); /* 0 [base] 1 SIB 2 SIB no base 3 [disp32] */
    do
        bs = rnd(r, 8);
    while (bs == 4 || (int)bs == avoid);
    do
        ix = rnd(r, 8);
    while (ix == 4 || ix == bs || (int)ix == avoid);
    if (kind >= 2)
        mod = 0;
    if (mod == 0 && bs == 5 && kind <= 1)
        mod = 1;
    if (kind == 0) {
        b[(*n)++] = (uint8_t)(mod << 6 | regf | bs);
    } else {
        b[(*n)++] = (uint8_t)(mod << 6 | regf | (kind == 3 ? 5 : 4));
        if (kind != 3)
            b[(*n)++] = (uint8_t)(ss << 6 | ix << 3 | (kind == 2 ? 5 : bs));
    }
    if (kind <= 1) {
        ea = c->gpr[bs], *used |= 1u << bs;
        if (bs == 5)
            *dseg = 2; /* EBP base: SS (SDM Vol. 1 3.7.5) */
    }
    if (kind == 1 || kind == 2)
        ea += c->gpr[ix] << ss, *used |= 1u << ix;
    if (mod == 1)
        disp = (int8_t)rnd(r, 256), b[(*n)++] = (uint8_t)disp;
    if (mod == 2 || kind >= 2) {
        disp = (int32_t)(uint32_t)x86gen_next(r);
        for (int i = 0; i < 4; i++)
            b[(*n)++] = (uint8_t)((uint64_t)disp >> (8 * i));
    }
    return (ea + (uint64_t)disp) & amask;
}

static uint64_t window_target(x86gen_rng *r, unsigned size, unsigned align, int may_split)
{
    if (may_split && size > 1 && rnd(r, 5) == 0) {
        static const uint64_t edge[3] = {X86GEN_WIN, X86GEN_WIN + 0x1000, X86GEN_WIN + 0x2000};
        return edge[rnd(r, 3)] - 1 - rnd(r, size - 1);
    }
    uint64_t t = X86GEN_WIN + 0x100 + rnd(r, (unsigned)(X86GEN_WIN_SIZE - 0x200 - size));
    return align > 1 ? t & ~(uint64_t)(align - 1) : rnd(r, 2) ? t & ~(uint64_t)(size - 1) : t;
}

/* seg:ea must reach linear t: solve the base (32-bit linear wrap) */
static void solve_seg(x86gen_case *c, unsigned seg, uint64_t t, uint64_t ea)
{
    c->seg_base[seg] = (t - ea) & 0xffffffffull;
    if (seg == 1) /* CS override (32-bit code only): move EIP with the base */
        c->ip = (X86GEN_CODE - c->seg_base[1]) & 0xffffffffull;
}

/* MOVS/STOS/LODS: DS:rSI (or override) -> ES:rDI at the address size. */
static void legacy_string(x86gen_rng *r, x86gen_case *c, const x86gen_form *f, const lenc *e,
                          int rep, unsigned sseg)
{
    unsigned sz = e->msize, df = (c->rflags >> 10) & 1;
    uint64_t cnt = rep ? (rnd(r, 5) == 0 ? 0 : 1 + rnd(r, rnd(r, 2) ? 8 : 40)) : 1;
    uint64_t span = (cnt ? cnt : 1) * sz, amask = e->asz == 2 ? 0xffff : 0xffffffff;
    int side = (f->fl & F_STOS) ? 1 : (f->fl & F_LODS) ? 0 : (int)rnd(r, 3);
    uint64_t w = X86GEN_WIN + 0x40 + rnd(r, (unsigned)(X86GEN_WIN_SIZE - 0x80 - span));
    uint64_t m = (rnd(r, 2) ? X86GEN_RAM_LO : X86GEN_RAM_HI) + 0x40 +
                 rnd(r, (unsigned)(0x1000 - 0x80 - span));
    uint64_t fw = df ? w + span - sz : w, fm = df ? m + span - sz : m, src, dst;
    if (side == 0)
        src = fw, dst = fm;
    else if (side == 1)
        src = fm, dst = fw;
    else
        src = fw, dst = (fw >= X86GEN_WIN + 0x1000 ? X86GEN_WIN + 0x100 : X86GEN_WIN + 0x1100) +
                        (df ? span : 0) + rnd(r, 0x200);
    c->target = side == 1 ? dst : src;
    uint64_t hi = e->asz == 2 ? (x86gen_next(r) & 0xffff0000ull) : 0; /* ignored above SI/DI/CX */
    uint64_t di = e->asz == 2 ? 0x8000 : 0x10000 + (x86gen_next(r) % 0xffe00000ull);
    uint64_t si = sseg == 0 ? (di + src - dst) & amask
                            : (e->asz == 2 ? 0x1000 + rnd(r, 0xd000)
                                           : 0x10000 + (x86gen_next(r) % 0xffe00000ull));
    solve_seg(c, 0, dst, di);
    if (sseg != 0)
        solve_seg(c, sseg, src, si);
    c->gpr[6] = si | hi;
    c->gpr[7] = di | hi;
    c->gpr[1] = rep ? cnt | hi : (x86gen_next(r) & 0xffffffffull);
    c->no_access = rep && cnt == 0;
}

static void sizes(x86gen_rng *r, const x86gen_form *f, lenc *e)
{
    unsigned dflt = e->bits == 16 ? 2 : 4;
    int can66 = (f->msz == S_V || (f->fl & F_REGV)) && !(f->fl & F_NO66);
    e->o66 = can66 && rnd(r, 2);
    e->osz = e->o66 ? 6 - dflt : dflt;
    static const uint8_t fixed[] = {[S_B] = 1,  [S_W] = 2,  [S_D] = 4,  [S_Q] = 8,
                                    [S_X] = 16, [S_CX] = 8, [S_Z] = 64, [S_V32] = 4};
    e->msize = f->msz == S_V ? e->osz : fixed[f->msz];
    if (f->msz == S_B && !(f->fl & F_REGV))
        e->osz = 1;
}

/* An operand whose last byte lies past offset 0xffffffff exceeds even a
 * 4 GiB limit: #GP(0), or #SS(0) for an SS access (SDM Vol. 3A 5.3). The CPU does fault (a 32-bit
 * process, LDT segment with a 4 GiB limit, 4-byte load at offset
 * 0xfffffffe: SIGSEGV), KVM's emulator here does not (docs/oracles.md). */
static void past_limit(x86gen_case *c, const lenc *e, uint64_t ea)
{
    if (e->asz == 4 && ea + e->msize > 0x100000000ull)
        c->flags |= X86GEN_C_LIMIT | X86GEN_C_KVM_QUIRK;
}

static int build_legacy(x86gen_rng *r, unsigned bits, unsigned fi, x86gen_case *c)
{
    const x86gen_form *f = &x86gen_form_table[fi];
    lenc e;
    uint8_t pfx[8], *b = c->bytes;
    unsigned np = 0, n = 0, used = 0, aluop = 0, dseg = 3;
    memset(c, 0, sizeof *c);
    memset(&e, 0, sizeof e);
    c->form = (uint16_t)fi, c->group = f->group, c->bits = (uint8_t)bits;
    for (int i = 0; i < 8; i++)
        c->gpr[i] =
            rnd(r, 3) ? x86gen_next(r) & 0xffffffffull : (uint64_t)rnd(r, 3) * 0x7fffffffull;
    c->gpr[4] = 0;
    c->rflags = 0x2 | (x86gen_next(r) & UF_ALL) | (rnd(r, 2) ? 0x400u : 0);
    c->undef_flags = f->undef;
    for (int s = 0; s < 6; s++)
        c->seg_base[s] = x86gen_next(r) & 0xffffffffull;
    c->ip = bits == 16 ? 0x100 + rnd(r, 0xe000) : x86gen_next(r) & 0xffffffffull;
    c->seg_base[1] = (X86GEN_CODE - c->ip) & 0xffffffffull;
    e.bits = bits;
    e.a67 = rnd(r, 5) == 0;
    e.asz = ((bits == 16) ^ e.a67) ? 2 : 4;
    sizes(r, f, &e);
    if (f->ext == -2 || (f->map == 0 && f->op <= 3))
        aluop = rnd(r, 8);
    if (aluop == 1 || aluop == 4 || aluop == 6)
        c->undef_flags |= UF_LOGIC;
    int ah_ok = f->msz == S_B && !(f->fl & F_REGV) && f->ext < 0 && f->enc == E_LEG;
    do
        e.reg = rnd(r, 8);
    while (e.reg == 4 && !ah_ok && !(f->fl & F_XMM));
    if (f->ext >= 0)
        e.reg = (unsigned)f->ext;
    if (f->ext == -2)
        e.reg = aluop;
    int strs = f->enc == E_STR, rep = 0, locked = 0;
    unsigned sr = rnd(r, 9), seg = 6; /* 6: default segment */
    if (sr < 6 && !(sr == 1 && (bits == 16 || (f->fl & F_WRITE) || strs)))
        seg = sr, pfx[np++] = seg_prefix[sr];
    if (e.a67)
        pfx[np++] = 0x67;
    if (e.o66)
        pfx[np++] = 0x66;
    if ((f->fl & F_LOCK) && aluop != 7 && rnd(r, 2))
        pfx[np++] = 0xf0, locked = 1;
    if (f->fl & F_XCHG)
        locked = 1;
    if (strs && rnd(r, 4))
        pfx[np++] = 0xf3, rep = 1;
    for (unsigned i = np; i > 1; i--) { /* legacy prefixes in any order (SDM 2.1.1) */
        unsigned j = rnd(r, i);
        uint8_t t = pfx[i - 1];
        pfx[i - 1] = pfx[j], pfx[j] = t;
    }
    memcpy(b, pfx, np);
    n = np;
    if (f->pfx)
        b[n++] = f->pfx;
    if (f->map >= 1)
        b[n++] = 0x0f;
    b[n++] = (uint8_t)(f->op | (f->map == 0 && f->op <= 3 ? aluop << 3 : 0));

    unsigned align = (f->fl & F_ALIGN) ? e.msize : locked ? e.msize : 1;
    uint64_t t = window_target(r, e.msize, align, align == 1 && !(f->fl & F_BTREG));
    if ((f->fl & F_ALIGN) && rnd(r, 8) == 0) {
        t += 1 + rnd(r, align - 1); /* #GP(0) (SDM) */
        c->flags |= X86GEN_C_GP;
    }
    c->target = t;
    if (strs) {
        legacy_string(r, c, f, &e, rep, seg == 6 ? 3 : seg);
    } else if (f->enc == E_MOFFS) {
        uint64_t ea = x86gen_next(r) & (e.asz == 2 ? 0xffff : 0xffffffff);
        for (unsigned i = 0; i < e.asz; i++) /* moffs: address-size bytes (SDM 2.2.1.4) */
            b[n++] = (uint8_t)(ea >> (8 * i));
        c->seg = (uint8_t)(seg == 6 ? 3 : seg);
        solve_seg(c, c->seg, t, ea);
        past_limit(c, &e, ea);
    } else {
        if (f->fl & F_BTREG) { /* bit offset small: the address moves by a few words */
            int64_t off = (int64_t)rnd(r, 1024) - 512;
            uint64_t bitsz = e.osz * 8u;
            c->gpr[e.reg] = (x86gen_next(r) & ~((1ull << bitsz) - 1) & 0xffffffffull) |
                            ((uint64_t)off & ((1ull << bitsz) - 1));
            int64_t q =
                off >= 0 ? off / (int64_t)bitsz : -((-off + (int64_t)bitsz - 1) / (int64_t)bitsz);
            c->target = t + (uint64_t)(q * (int64_t)e.osz);
        }
        uint64_t ea;
        unsigned at = n, lim = e.asz == 2 ? 0xffff : 0xffffffff;
        for (int tries = 0;; tries++) { /* BT: keep the moved offset away from the wrap */
            if (tries)
                for (int i = 0; i < 8; i++)
                    if (i != (int)e.reg && i != 4 && (used >> i & 1))
                        c->gpr[i] = x86gen_next(r) & 0xffffffffull;
            n = at;
            used = 0;
            ea = emit_address(r, c, &e, b, &n, (f->fl & F_BTREG) ? (int)e.reg : -1, &dseg, &used);
            if (!(f->fl & F_BTREG) || (ea >= 0x100 && ea <= lim - 0x100))
                break;
        }
        c->seg = (uint8_t)(seg == 6 ? dseg : seg);
        solve_seg(c, c->seg, t, ea);
        past_limit(c, &e, ea);
        unsigned imm = f->imm == I_B ? 1 : f->imm == I_Z ? (e.osz == 2 ? 2 : 4) : 0;
        uint64_t v = x86gen_next(r);
        for (unsigned i = 0; i < imm; i++)
            b[n++] = (uint8_t)(v >> (8 * i));
        if (f->fl & F_XMM)
            c->flags |= X86GEN_C_VEC;
    }
    if (n > 15)
        return -1;
    c->len = (uint8_t)n;
    c->msize = (uint8_t)e.msize;
    if ((f->fl & F_RAXEQ) && rnd(r, 2) && !(used & 5u)) { /* CMPXCHG success paths */
        c->gpr[0] = value_at(c->target, e.msize > 4 ? 4 : e.msize);
        if (e.msize == 8)
            c->gpr[2] = value_at(c->target + 4, 4);
    }
    c->fs_base = c->seg_base[4];
    c->gs_base = c->seg_base[5];
    c->flags |= (strs ? X86GEN_C_STRING : 0) | (locked ? X86GEN_C_LOCK : 0) |
                ((f->fl & F_REQ) ? X86GEN_C_REQUIRED : 0);
    return 0;
}

int x86gen_case_make_legacy(x86gen_rng *r, unsigned bits, x86gen_case *c)
{
    for (;;) {
        unsigned f = rnd(r, x86gen_form_table_n);
        if (usable(&x86gen_form_table[f], bits) && build_legacy(r, bits, f, c) == 0)
            return 0;
    }
}
