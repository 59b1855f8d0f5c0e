/* Random AArch64 load/store words with register values that aim their access
 * into a window. Encodings from the Arm ARM (DDI 0487) C4.1.66 "Loads and
 * Stores" tables; none of this is derived from our decoder. */
#include "a64gen_ldst.h"

#include <string.h>

uint64_t a64gen_rand(a64gen_rng *r)
{
    /* splitmix64: tiny, good enough to spread bits across fields */
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static unsigned rnd(a64gen_rng *r, unsigned n)
{
    return (unsigned)(a64gen_rand(r) % n);
}

/* A data row: the encoding fields a class needs plus what the access is. */
typedef struct gen_form {
    uint8_t f1, f2, f3; /* class-specific fields, see each table */
    uint8_t elem;       /* bytes per register */
    uint8_t store;
    uint8_t simd;
    const char *name;
} gen_form;

/* C4.1.66 "Load/store register (*)": size(31:30) V(26) opc(23:22). */
static const gen_form single_forms[] = {
    {0, 0, 0, 1, 1, 0, "strb"},    {0, 0, 1, 1, 0, 0, "ldrb"},    {0, 0, 2, 1, 0, 0, "ldrsb x"},
    {0, 0, 3, 1, 0, 0, "ldrsb w"}, {1, 0, 0, 2, 1, 0, "strh"},    {1, 0, 1, 2, 0, 0, "ldrh"},
    {1, 0, 2, 2, 0, 0, "ldrsh x"}, {1, 0, 3, 2, 0, 0, "ldrsh w"}, {2, 0, 0, 4, 1, 0, "str w"},
    {2, 0, 1, 4, 0, 0, "ldr w"},   {2, 0, 2, 4, 0, 0, "ldrsw"},   {3, 0, 0, 8, 1, 0, "str x"},
    {3, 0, 1, 8, 0, 0, "ldr x"},   {0, 1, 0, 1, 1, 1, "str b"},   {0, 1, 1, 1, 0, 1, "ldr b"},
    {0, 1, 2, 16, 1, 1, "str q"},  {0, 1, 3, 16, 0, 1, "ldr q"},  {1, 1, 0, 2, 1, 1, "str h"},
    {1, 1, 1, 2, 0, 1, "ldr h"},   {2, 1, 0, 4, 1, 1, "str s"},   {2, 1, 1, 4, 0, 1, "ldr s"},
    {3, 1, 0, 8, 1, 1, "str d"},   {3, 1, 1, 8, 0, 1, "ldr d"},
};

/* C4.1.66 "Load register (literal)": opc(31:30) V(26). */
static const gen_form literal_forms[] = {
    {0, 0, 0, 4, 0, 0, "ldr w lit"}, {1, 0, 0, 8, 0, 0, "ldr x lit"},
    {2, 0, 0, 4, 0, 0, "ldrsw lit"}, {0, 1, 0, 4, 0, 1, "ldr s lit"},
    {1, 1, 0, 8, 0, 1, "ldr d lit"}, {2, 1, 0, 16, 0, 1, "ldr q lit"},
};

/* C4.1.66 "Load/store register pair (*)": opc(31:30) V(26) L(22). */
static const gen_form pair_forms[] = {
    {0, 0, 0, 4, 1, 0, "stp w"},  {0, 0, 1, 4, 0, 0, "ldp w"},  {1, 0, 1, 4, 0, 0, "ldpsw"},
    {2, 0, 0, 8, 1, 0, "stp x"},  {2, 0, 1, 8, 0, 0, "ldp x"},  {0, 1, 0, 4, 1, 1, "stp s"},
    {0, 1, 1, 4, 0, 1, "ldp s"},  {1, 1, 0, 8, 1, 1, "stp d"},  {1, 1, 1, 8, 0, 1, "ldp d"},
    {2, 1, 0, 16, 1, 1, "stp q"}, {2, 1, 1, 16, 0, 1, "ldp q"},
};

/* C4.1.66 "Load/store ordered": size(31:30) L(22) o0(15); Rs = Rt2 = 11111. */
static const gen_form ordered_forms[] = {
    {0, 1, 1, 1, 0, 0, "ldarb"},   {1, 1, 1, 2, 0, 0, "ldarh"},   {2, 1, 1, 4, 0, 0, "ldar w"},
    {3, 1, 1, 8, 0, 0, "ldar x"},  {0, 0, 1, 1, 1, 0, "stlrb"},   {1, 0, 1, 2, 1, 0, "stlrh"},
    {2, 0, 1, 4, 1, 0, "stlr w"},  {3, 0, 1, 8, 1, 0, "stlr x"},  {0, 1, 0, 1, 0, 0, "ldlarb"},
    {1, 1, 0, 2, 0, 0, "ldlarh"},  {2, 1, 0, 4, 0, 0, "ldlar w"}, {3, 1, 0, 8, 0, 0, "ldlar x"},
    {0, 0, 0, 1, 1, 0, "stllrb"},  {1, 0, 0, 2, 1, 0, "stllrh"},  {2, 0, 0, 4, 1, 0, "stllr w"},
    {3, 0, 0, 8, 1, 0, "stllr x"},
};

/* C4.1.66 "Atomic memory operations", LDAPR row: size(31:30). */
static const gen_form ldapr_forms[] = {
    {0, 0, 0, 1, 0, 0, "ldaprb"},
    {1, 0, 0, 2, 0, 0, "ldaprh"},
    {2, 0, 0, 4, 0, 0, "ldapr w"},
    {3, 0, 0, 8, 0, 0, "ldapr x"},
};

/* C4.1.66 "LDAPR/STLR (unscaled immediate)": size(31:30) opc(23:22). */
static const gen_form rcpc2_forms[] = {
    {0, 0, 0, 1, 1, 0, "stlurb"},     {0, 1, 0, 1, 0, 0, "ldapurb"},
    {0, 2, 0, 1, 0, 0, "ldapursb x"}, {0, 3, 0, 1, 0, 0, "ldapursb w"},
    {1, 0, 0, 2, 1, 0, "stlurh"},     {1, 1, 0, 2, 0, 0, "ldapurh"},
    {1, 2, 0, 2, 0, 0, "ldapursh x"}, {1, 3, 0, 2, 0, 0, "ldapursh w"},
    {2, 0, 0, 4, 1, 0, "stlur w"},    {2, 1, 0, 4, 0, 0, "ldapur w"},
    {2, 2, 0, 4, 0, 0, "ldapursw"},   {3, 0, 0, 8, 1, 0, "stlur x"},
    {3, 1, 0, 8, 0, 0, "ldapur x"},
};

#define N_(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const gen_form *forms;
    unsigned count;
    const char *name;
} classes[A64GEN_CLASS_COUNT] = {
    [A64GEN_UIMM] = {single_forms, N_(single_forms), "uimm"},
    [A64GEN_UNSCALED] = {single_forms, N_(single_forms), "unscaled"},
    [A64GEN_POST] = {single_forms, N_(single_forms), "post"},
    [A64GEN_PRE] = {single_forms, N_(single_forms), "pre"},
    [A64GEN_UNPRIV] = {single_forms, 13, "unpriv"}, /* the 13 GPR rows: LDTR has no V form */
    [A64GEN_REGOFF] = {single_forms, N_(single_forms), "regoff"},
    [A64GEN_LITERAL] = {literal_forms, N_(literal_forms), "literal"},
    [A64GEN_PAIR_OFF] = {pair_forms, N_(pair_forms), "pair_off"},
    [A64GEN_PAIR_PRE] = {pair_forms, N_(pair_forms), "pair_pre"},
    [A64GEN_PAIR_POST] = {pair_forms, N_(pair_forms), "pair_post"},
    [A64GEN_PAIR_NT] = {pair_forms, N_(pair_forms), "pair_nt"},
    [A64GEN_ORDERED] = {ordered_forms, N_(ordered_forms), "ordered"},
    [A64GEN_LDAPR] = {ldapr_forms, N_(ldapr_forms), "ldapr"},
    [A64GEN_RCPC2] = {rcpc2_forms, N_(rcpc2_forms), "rcpc2"},
};

const char *a64gen_class_name(unsigned cls)
{
    return cls < A64GEN_CLASS_COUNT ? classes[cls].name : "?";
}

const char *a64gen_form_name(const a64gen_case *c)
{
    return c->cls < A64GEN_CLASS_COUNT && c->form < classes[c->cls].count
               ? classes[c->cls].forms[c->form].name
               : "?";
}

static unsigned log2u(unsigned v)
{
    unsigned n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

static bool avoided(const a64gen_cfg *cfg, unsigned reg)
{
    return reg < 31 && (cfg->avoid >> reg) & 1;
}

/* A data register (31 = XZR/WZR for GPRs, V31 for SIMD&FP). */
static unsigned pick_data(a64gen_rng *r, const a64gen_cfg *cfg, bool simd)
{
    unsigned reg;
    do
        reg = rnd(r, 32);
    while (!simd && avoided(cfg, reg));
    return reg;
}

static unsigned pick_base(a64gen_rng *r, const a64gen_cfg *cfg)
{
    if (!cfg->no_sp_base && rnd(r, 8) == 0)
        return 31; /* SP */
    unsigned reg;
    do
        reg = rnd(r, 31);
    while (avoided(cfg, reg));
    return reg;
}

/* Lowest address of the access: inside the window, a quarter of the
 * unaligned-capable cases straddling a 4 KiB page boundary. */
static uint64_t pick_addr(a64gen_rng *r, const a64gen_cfg *cfg, unsigned bytes, unsigned align)
{
    uint64_t pages = cfg->win_size / 4096;
    uint64_t a;
    if (align < bytes && bytes > 1 && pages > 1 && rnd(r, 4) == 0) {
        uint64_t page_end = cfg->win + 4096 * (1 + rnd(r, (unsigned)(pages - 1)));
        a = page_end - 1 - rnd(r, bytes - 1);
    } else {
        a = cfg->win + a64gen_rand(r) % (cfg->win_size - bytes + 1);
        if (rnd(r, 2))
            align = align > bytes ? align : bytes; /* often naturally aligned */
    }
    return a & ~(uint64_t)(align - 1);
}

/* SP as a base must stay 16-byte aligned (Linux sets SCTLR_EL1.SA0): move
 * the access down (or up by 16) so that base = addr - off is aligned. */
static uint64_t fix_sp(const a64gen_cfg *cfg, unsigned rn, uint64_t addr, int64_t off)
{
    if (rn != 31)
        return addr;
    addr -= (addr - (uint64_t)off) & 15;
    return addr < cfg->win ? addr + 16 : addr;
}

static int64_t sext(uint64_t v, unsigned bits)
{
    return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

/* Index register value and scaled offset for LDR/STR (register):
 * C6.2.x ExtendReg: UXTW/SXTW take the low 32 bits (upper bits random to
 * prove they are ignored), LSL/SXTX the whole register. */
static uint64_t pick_index(a64gen_rng *r, unsigned option, unsigned shift, unsigned rm,
                           uint64_t *offset)
{
    uint64_t raw = a64gen_rand(r);
    uint64_t k = rnd(r, 2) ? raw : (uint64_t)sext(raw, 13);
    if (rm == 31) {
        *offset = 0;
        return 0;
    }
    switch (option) {
    case 2: /* UXTW */
        *offset = (uint64_t)(uint32_t)k << shift;
        return (a64gen_rand(r) << 32) | (uint32_t)k;
    case 6: /* SXTW */
        *offset = (uint64_t)sext((uint32_t)k, 32) << shift;
        return (a64gen_rand(r) << 32) | (uint32_t)k;
    default: {
        /* 3 = LSL (UXTX), 7 = SXTX: the whole register */
        *offset = k << shift;
        return k;
    }
    }
}

static bool is_pair(unsigned cls)
{
    return cls >= A64GEN_PAIR_OFF && cls <= A64GEN_PAIR_NT;
}

static bool has_writeback(unsigned cls)
{
    return cls == A64GEN_POST || cls == A64GEN_PRE || cls == A64GEN_PAIR_PRE ||
           cls == A64GEN_PAIR_POST;
}

/* Registers: writeback with Rn == Rt/Rt2 (Rn != SP) and LDP with Rt == Rt2
 * are CONSTRAINED UNPREDICTABLE (Arm ARM C6.2 LDP/STR "Operational
 * information"), so never generated. */
static void pick_regs(a64gen_rng *r, const a64gen_cfg *cfg, a64gen_case *c)
{
    bool pair = is_pair(c->cls), gpr_data = !c->simd;
    c->rt = (uint8_t)pick_data(r, cfg, c->simd);
    c->rt2 = A64GEN_NONE;
    if (pair)
        do
            c->rt2 = (uint8_t)pick_data(r, cfg, c->simd);
        while (!c->store && c->rt2 == c->rt);
    c->rn = A64GEN_NONE;
    if (c->cls == A64GEN_LITERAL)
        return;
    for (;;) {
        c->rn = (uint8_t)pick_base(r, cfg);
        if (!c->writeback || !gpr_data || c->rn == 31)
            break;
        if (c->rn != c->rt && (!pair || c->rn != c->rt2))
            break;
    }
}

/* One encoder per addressing class: picks the access address (c->addr) and
 * the offset the base register must be below it (*off), and returns the word
 * without Rn/Rt. Field layouts: Arm ARM C4.1.66. */
typedef uint32_t (*gen_enc)(a64gen_rng *r, const a64gen_cfg *cfg, a64gen_case *c, const gen_form *f,
                            int64_t *off);

static uint32_t enc_uimm(a64gen_rng *r, const a64gen_cfg *cfg, a64gen_case *c, const gen_form *f,
                         int64_t *off)
{
    unsigned imm12 = rnd(r, 2) ? rnd(r, 4096) : rnd(r, 16);
    *off = (int64_t)imm12 << log2u(c->elem);
    c->addr = fix_sp(cfg, c->rn, pick_addr(r, cfg, c->bytes, 1), *off);
    return (uint32_t)f->f1 << 30 | 7u << 27 | (uint32_t)f->f2 << 26 | 1u << 24 |
           (uint32_t)f->f3 << 22 | imm12 << 10;
}

/* LDUR/STUR, post-index, LDTR/STTR, pre-index: bits 11:10 = 00/01/10/11 */
static uint32_t enc_imm9(a64gen_rng *r, const a64gen_cfg *cfg, a64gen_case *c, const gen_form *f,
                         int64_t *off)
{
    static const uint8_t type[] = {
        [A64GEN_UNSCALED] = 0, [A64GEN_POST] = 1, [A64GEN_UNPRIV] = 2, [A64GEN_PRE] = 3};
    int64_t imm9 = sext(a64gen_rand(r), 9);
    *off = c->cls == A64GEN_POST ? 0 : imm9;
    c->addr = fix_sp(cfg, c->rn, pick_addr(r, cfg, c->bytes, 1), *off);
    return (uint32_t)f->f1 << 30 | 7u << 27 | (uint32_t)f->f2 << 26 | (uint32_t)f->f3 << 22 |
           ((uint32_t)imm9 & 0x1ff) << 12 | (uint32_t)type[c->cls] << 10;
}

static uint32_t enc_regoff(a64gen_rng *r, const a64gen_cfg *cfg, a64gen_case *c, const gen_form *f,
                           int64_t *off)
{
    static const uint8_t opts[] = {2, 3, 6, 7}; /* UXTW, LSL, SXTW, SXTX */
    unsigned opt = opts[rnd(r, 4)], s = rnd(r, 2), rm;
    do
        rm = rnd(r, 32);
    while (rm == c->rn || avoided(cfg, rm));
    uint64_t ioff, idx = pick_index(r, opt, s ? log2u(c->elem) : 0, rm, &ioff);
    *off = (int64_t)ioff;
    c->addr = fix_sp(cfg, c->rn, pick_addr(r, cfg, c->bytes, 1), *off);
    c->rm = (uint8_t)rm;
    if (rm != 31)
        c->x[rm] = idx;
    return (uint32_t)f->f1 << 30 | 7u << 27 | (uint32_t)f->f2 << 26 | (uint32_t)f->f3 << 22 |
           1u << 21 | rm << 16 | opt << 13 | s << 12 | 2u << 10;
}

/* PC-relative: imm19 words from the instruction; no base register */
static uint32_t enc_literal(a64gen_rng *r, const a64gen_cfg *cfg, a64gen_case *c, const gen_form *f,
                            int64_t *off)
{
    c->addr = pick_addr(r, cfg, c->bytes, 4);
    *off = 0;
    int64_t imm19 = (int64_t)(c->addr - cfg->pc) / 4;
    return (uint32_t)f->f1 << 30 | 3u << 27 | (uint32_t)f->f2 << 26 |
           ((uint32_t)imm19 & 0x7ffff) << 5;
}

static uint32_t enc_pair(a64gen_rng *r, const a64gen_cfg *cfg, a64gen_case *c, const gen_form *f,
                         int64_t *off)
{
    static const uint8_t type[] = {
        [A64GEN_PAIR_NT] = 0, [A64GEN_PAIR_POST] = 1, [A64GEN_PAIR_OFF] = 2, [A64GEN_PAIR_PRE] = 3};
    int64_t imm7 = sext(a64gen_rand(r), 7);
    *off = c->cls == A64GEN_PAIR_POST ? 0 : imm7 * c->elem;
    c->addr = fix_sp(cfg, c->rn, pick_addr(r, cfg, c->bytes, 1), *off);
    return (uint32_t)f->f1 << 30 | 5u << 27 | (uint32_t)f->f2 << 26 | (uint32_t)type[c->cls] << 23 |
           (uint32_t)f->f3 << 22 | ((uint32_t)imm7 & 0x7f) << 15 | (uint32_t)c->rt2 << 10;
}

/* LDAR/STLR/LDLAR/STLLR and LDAPR: [Xn] only; naturally aligned, since
 * acquire/release accesses fault otherwise (no FEAT_LSE2 assumed) */
static uint32_t enc_ordered(a64gen_rng *r, const a64gen_cfg *cfg, a64gen_case *c, const gen_form *f,
                            int64_t *off)
{
    *off = 0;
    c->addr = fix_sp(cfg, c->rn, pick_addr(r, cfg, c->bytes, c->elem), 0);
    if (c->cls == A64GEN_LDAPR)
        return (uint32_t)f->f1 << 30 | 0x38bfc000u;
    return (uint32_t)f->f1 << 30 | 0x089f7c00u | (uint32_t)f->f2 << 22 | (uint32_t)f->f3 << 15;
}

/* LDAPUR/LDAPURS/STLUR: imm9, aligned like the other acquire/release forms */
static uint32_t enc_rcpc2(a64gen_rng *r, const a64gen_cfg *cfg, a64gen_case *c, const gen_form *f,
                          int64_t *off)
{
    int64_t imm9 = sext(a64gen_rand(r), 9);
    if (c->rn == 31) /* keep the access aligned while SP stays 16-byte aligned */
        imm9 &= ~(int64_t)(c->elem - 1);
    *off = imm9;
    c->addr = fix_sp(cfg, c->rn, pick_addr(r, cfg, c->bytes, c->elem), *off);
    return (uint32_t)f->f1 << 30 | 0x19000000u | (uint32_t)f->f2 << 22 |
           ((uint32_t)imm9 & 0x1ff) << 12;
}

static const gen_enc encoders[A64GEN_CLASS_COUNT] = {
    [A64GEN_UIMM] = enc_uimm,       [A64GEN_UNSCALED] = enc_imm9, [A64GEN_POST] = enc_imm9,
    [A64GEN_PRE] = enc_imm9,        [A64GEN_UNPRIV] = enc_imm9,   [A64GEN_REGOFF] = enc_regoff,
    [A64GEN_LITERAL] = enc_literal, [A64GEN_PAIR_OFF] = enc_pair, [A64GEN_PAIR_PRE] = enc_pair,
    [A64GEN_PAIR_POST] = enc_pair,  [A64GEN_PAIR_NT] = enc_pair,  [A64GEN_ORDERED] = enc_ordered,
    [A64GEN_LDAPR] = enc_ordered,   [A64GEN_RCPC2] = enc_rcpc2,
};

/* Encode the word and aim the base register at the chosen address. */
static uint32_t build(a64gen_rng *r, const a64gen_cfg *cfg, a64gen_case *c, const gen_form *f)
{
    int64_t off = 0;
    uint32_t w = encoders[c->cls](r, cfg, c, f, &off);
    if (c->cls == A64GEN_LITERAL)
        return w | c->rt;
    c->x[c->rn] = c->addr - (uint64_t)off; /* index 31 is SP */
    return w | (uint32_t)c->rn << 5 | c->rt;
}

/* sign / wide / acqrel from the form's encoding fields (C6.2 per form). */
static void describe(a64gen_case *c, const gen_form *f)
{
    bool v = c->simd;
    switch (c->cls) {
    case A64GEN_LITERAL: /* opc: 00 W, 01 X, 10 LDRSW */
        c->sign = !v && f->f1 == 2;
        c->wide = !v && f->f1 >= 1;
        break;
    case A64GEN_PAIR_OFF:
    case A64GEN_PAIR_PRE:
    case A64GEN_PAIR_POST:
    case A64GEN_PAIR_NT:
        c->sign = !v && f->f1 == 1; /* LDPSW */
        c->wide = !v && f->f1 >= 1;
        break;
    case A64GEN_ORDERED:
    case A64GEN_LDAPR:
        c->wide = f->f1 == 3;
        c->acqrel = 1;
        break;
    case A64GEN_RCPC2: /* opc: 00 STLUR, 01 LDAPUR, 10 LDAPURS X, 11 LDAPURS W */
        c->sign = f->f2 >= 2;
        c->wide = f->f1 == 3 || f->f2 == 2;
        c->acqrel = 1;
        break;
    default: /* single register: opc 1x on V=0 is LDRS* (10 into X, 11 into W) */
        c->sign = !v && f->f3 >= 2;
        c->wide = !v && (f->f1 == 3 || f->f3 == 2);
        break;
    }
}

bool a64gen_esr(const a64gen_case *c, uint64_t *esr)
{
    if (c->simd || c->writeback || c->rt2 != A64GEN_NONE)
        return false;
    *esr = 0x24ull << 26 | 1ull << 25 | 1ull << 24 | (uint64_t)log2u(c->elem) << 22 |
           (uint64_t)c->sign << 21 | (uint64_t)c->rt << 16 | (uint64_t)c->wide << 15 |
           (uint64_t)c->acqrel << 14 | (uint64_t)c->store << 6 | 0x07;
    return true;
}

void a64gen_next(a64gen_rng *r, const a64gen_cfg *cfg, a64gen_case *c)
{
    uint32_t mask = (cfg->classes ? cfg->classes : A64GEN_ALL_CLASSES) & A64GEN_ALL_CLASSES;
    if (!mask)
        mask = A64GEN_ALL_CLASSES;
    do {
        unsigned cls, fi;
        do
            cls = rnd(r, A64GEN_CLASS_COUNT);
        while (!((mask >> cls) & 1));
        do
            fi = rnd(r, classes[cls].count);
        while (cls == A64GEN_PAIR_NT && fi == 2); /* no LDNPSW: unallocated */
        const gen_form *f = &classes[cls].forms[fi];
        memset(c, 0, sizeof *c);
        for (unsigned i = 0; i < 32; i++)
            c->x[i] = a64gen_rand(r);
        c->x[31] &= ~15ull;
        for (unsigned i = 0; i < 32; i++)
            for (unsigned j = 0; j < 16; j += 8) {
                uint64_t v = a64gen_rand(r);
                for (unsigned k = 0; k < 8; k++)
                    c->v[i][j + k] = (uint8_t)(v >> (8 * k));
            }
        c->cls = (uint8_t)cls;
        c->form = (uint8_t)fi;
        c->elem = f->elem;
        c->store = f->store;
        c->simd = f->simd;
        c->writeback = has_writeback(cls);
        c->bytes = (uint16_t)(is_pair(cls) ? 2 * f->elem : f->elem);
        c->rm = A64GEN_NONE;
        pick_regs(r, cfg, c);
        c->word = build(r, cfg, c, f);
        describe(c, f);
    } while (c->addr < cfg->win || c->addr + c->bytes > cfg->win + cfg->win_size);
    c->crosses = ((c->addr ^ (c->addr + c->bytes - 1)) >> 12) != 0;
}
