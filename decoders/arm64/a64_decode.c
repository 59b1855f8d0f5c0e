/* Native arm64 decoder for the "Loads and Stores" group (plus DC/IC by VA):
 * one first-level table lookup, a short bucket of generated form rows, then a
 * small field-extraction routine per addressing class. Pure and freestanding:
 * the form table is data (decoders/arm64/a64_forms.spec), nothing is switched
 * on opcodes here. Allocation rules not expressible as a mask live in the spec's
 * rules, except the structure classes' Q/size/S checks below. */
#include "a64_decode.h"

#include "../../lib/bytes.h"
#include "a64_tables.gen.h"

/* Arm ARM C4.1: op0 (bits 28:25) = x1x0 is the Loads and Stores group. */
#define LDST_GROUP_MASK 0x0a000000u
#define LDST_GROUP_VALUE 0x08000000u
/* C5.2.2 SYS: L = 0, op0 = 01, CRn = 0111 (cache maintenance, DC ZVA). */
#define SYS_CRN7_MASK 0xfff8f000u
#define SYS_CRN7_VALUE 0xd5087000u

/* Register-offset option -> MMIOEMU_IDX_*: 011 (UXTX) is LSL; row 0 is for
 * forms without an index (option bits belong to other fields there). */
static const uint8_t a64_optmap[2][8] = {{0, 0, 0, 0, 0, 0, 0, 0}, {0, 1, 2, 0, 4, 5, 6, 7}};

static inline uint32_t field(uint32_t w, unsigned lo, unsigned n)
{
    return (w >> lo) & ((1u << n) - 1);
}

/* Sign-extend the n-bit field at lo. */
static inline int64_t sfield(uint32_t w, unsigned lo, unsigned n)
{
    int64_t v = field(w, lo, n);
    return (v & (1ll << (n - 1))) ? v - (1ll << n) : v;
}

/* Row of the form matching w, or A64_FORM_COUNT when none does. */
static unsigned a64_lookup(uint32_t w)
{
    if ((w & LDST_GROUP_MASK) == LDST_GROUP_VALUE) {
        uint32_t e = a64_l1[A64_L1_INDEX(w)];
        if ((e & 31) == 1) { /* the common case: one candidate, named directly */
            const a64_form *f = &a64_forms[e >> 5];
            return (w & f->mask) == f->value ? e >> 5 : A64_FORM_COUNT;
        }
        const uint16_t *b = &a64_bucket[e >> 5];
        for (uint32_t n = e & 31; n; n--, b++) {
            const a64_form *f = &a64_forms[*b];
            if ((w & f->mask) == f->value)
                return *b;
        }
        return A64_FORM_COUNT;
    }
    if ((w & SYS_CRN7_MASK) == SYS_CRN7_VALUE) {
        for (unsigned i = A64_LDST_COUNT; i < A64_FORM_COUNT; i++)
            if ((w & a64_forms[i].mask) == a64_forms[i].value)
                return i;
    }
    return A64_FORM_COUNT;
}

/* Arm ARM C4.1.88 "Advanced SIMD load/store multiple structures": size is
 * registers * (Q ? 16 : 8); size:Q = 110 with more than one element per
 * structure (LD2/LD3/LD4) is reserved. */
static mmioemu_status struct_mult(uint32_t w, const a64_form *f, mmioemu_insn *out)
{
    uint32_t q = field(w, 30, 1);
    if (field(w, 10, 2) == 3 && !q && (f->aux & 0x10))
        return MMIOEMU_ERR_INVALID;
    out->size = (uint16_t)((f->aux & 15) * (q ? 16u : 8u));
    return MMIOEMU_OK;
}

/* "... single structure": element size from opcode<2:1> (aux bits 5:4), S and
 * size; the bytes touched are selem * esize. */
static mmioemu_status struct_single(uint32_t w, const a64_form *f, mmioemu_insn *out)
{
    uint32_t sz = field(w, 10, 2), s = field(w, 12, 1), esize;
    switch (f->aux >> 4) {
    case 0: esize = 1; break;
    case 1:
        if (sz & 1)
            return MMIOEMU_ERR_INVALID;
        esize = 2;
        break;
    case 2:
        if (sz > 1 || (sz == 1 && s))
            return MMIOEMU_ERR_INVALID;
        esize = sz ? 8 : 4;
        break;
    default: /* LDnR: S must be 0 */
        if (s)
            return MMIOEMU_ERR_INVALID;
        esize = 1u << sz;
        break;
    }
    out->size = (uint16_t)((f->aux & 15) * esize);
    return MMIOEMU_OK;
}

/* Post-index of a structure: Rm = 31 is the immediate form (the bytes
 * transferred), any other Rm adds that register. */
static void struct_post(uint32_t w, mmioemu_insn *out)
{
    uint32_t rm = field(w, 16, 5);
    if (!(out->flags & MMIOEMU_F_WB_POST))
        return;
    if (rm == 31)
        out->mem.disp = out->size;
    else
        out->mem.index = (uint8_t)rm;
}

/* Address classes with a routine of their own (A64_ADDR_PAC and after). */
static mmioemu_status extract_slow(uint32_t w, const a64_form *f, mmioemu_insn *out)
{
    mmioemu_mem *m = &out->mem;
    mmioemu_status s;
    switch (f->addr) {
    case A64_ADDR_PAC: /* C6.2 LDRAA: S:imm9, scaled by 8 */
        m->disp = ((int64_t)field(w, 12, 9) - (field(w, 22, 1) ? 512 : 0)) * 8;
        break;
    case A64_ADDR_SMULT:
    case A64_ADDR_SSINGLE:
        s = f->addr == A64_ADDR_SMULT ? struct_mult(w, f, out) : struct_single(w, f, out);
        if (s != MMIOEMU_OK)
            return s;
        struct_post(w, out);
        break;
    default: /* MOPS: Xd holds the destination; DC/IC <op>, Xt (31 = XZR) */
        m->base = (uint8_t)(field(w, 0, 5) == 31 ? MMIOEMU_REG_ZR : field(w, 0, 5));
        break;
    }
    return MMIOEMU_OK;
}

mmioemu_status a64_decode_word(uint32_t w, mmioemu_insn *out)
{
    unsigned row = a64_lookup(w);
    out->mode = MMIOEMU_ARM64;
    out->length = 4;
    if (row >= A64_FORM_COUNT) {
        out->flags = 0;
        out->kind = MMIOEMU_KIND_NONE;
        /* Inside the group every encoding not in the table is unallocated. */
        return (w & LDST_GROUP_MASK) == LDST_GROUP_VALUE ? MMIOEMU_ERR_INVALID
                                                         : MMIOEMU_ERR_NO_MEMORY_OPERAND;
    }
    const a64_form *f = &a64_forms[row];
    out->kind = f->kind;
    out->flags = f->flags;
    out->size = f->size;
    out->dst_size = f->dst_size;
    out->ext = f->ext;
    out->id = (uint16_t)row;
    out->op = f->op;
    /* Registers by table lookup, no branch on the class: Rt, Rt2 or Rs, Rn
     * (31 = SP, or PC for literals), Rm for register offsets (31 = XZR). */
    out->reg = a64_regmap[f->rt_cls][field(w, 0, 5)];
    out->reg2 = a64_regmap[f->r2_cls][(w >> f->r2_shift) & 31];
    out->mem.base = a64_regmap[f->base_cls][field(w, 5, 5)];
    out->mem.index = a64_regmap[f->idx_cls][field(w, 16, 5)];
    /* The offset: one immediate field, sign-extended by a shift pair, then
     * scaled: imm12 << size (uimm), simm9 (unscaled, pre, post, unprivileged),
     * simm19 * 4 (literal), simm7 << size (pairs). */
    uint64_t imm = (w >> f->imm_lo) & ((1u << f->imm_len) - 1);
    int64_t disp = (int64_t)(imm << f->imm_sext) >> f->imm_sext;
    out->mem.disp = (int64_t)((uint64_t)disp << f->imm_scale);
    /* C6.2 LDR (register): option (011 = UXTX = LSL) and S scale the index;
     * idx_cls is 1 exactly for register offsets. */
    uint32_t roff = f->idx_cls & 1, opt = field(w, 13, 3);
    out->mem.index_ext = a64_optmap[roff][opt];
    out->mem.shift = (uint8_t)(f->scale & (0u - (roff & field(w, 12, 1))));
    out->mem.seg = MMIOEMU_SEG_NONE;
    out->mem.addr_size = 8;
    out->mem.reserved[0] = out->mem.reserved[1] = 0;
    if (f->addr >= A64_ADDR_PAC)
        return extract_slow(w, f, out);
    return MMIOEMU_OK;
}

mmioemu_status a64_decode(const uint8_t *code, size_t len, mmioemu_insn *out)
{
    if (len < 4) {
        out->mode = MMIOEMU_ARM64;
        out->length = 4;
        return MMIOEMU_ERR_TRUNCATED;
    }
    /* Arm ARM B2.6.2: instruction fetches are always little-endian. */
    return a64_decode_word((uint32_t)mm_load_le(code, 4), out);
}
