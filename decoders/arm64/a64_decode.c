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

static const a64_form *a64_lookup(uint32_t w)
{
    if ((w & LDST_GROUP_MASK) == LDST_GROUP_VALUE) {
        uint32_t e = a64_l1[A64_L1_INDEX(w)];
        const uint16_t *b = &a64_bucket[e >> 5];
        for (uint32_t n = e & 31; n; n--, b++) {
            const a64_form *f = &a64_forms[*b];
            if ((w & f->mask) == f->value)
                return f;
        }
        return 0;
    }
    if ((w & SYS_CRN7_MASK) == SYS_CRN7_VALUE) {
        for (unsigned i = A64_LDST_COUNT; i < A64_FORM_COUNT; i++)
            if ((w & a64_forms[i].mask) == a64_forms[i].value)
                return &a64_forms[i];
    }
    return 0;
}

/* Register field r (0..31) of class rc as a descriptor register number:
 * GPR 31 is XZR/WZR as a data register (C1.2.5), SIMD&FP r is V<r>. */
static inline uint8_t data_reg(unsigned rc, uint32_t r)
{
    if (rc == A64_RC_GPR)
        return (uint8_t)(r == 31 ? MMIOEMU_REG_ZR : r);
    if (rc == A64_RC_FP)
        return (uint8_t)(MMIOEMU_REG_V0 + r);
    return MMIOEMU_REG_NONE;
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

/* Fill mem (and the size of structure forms) for the form's addressing class. */
static mmioemu_status extract_addr(uint32_t w, const a64_form *f, mmioemu_insn *out)
{
    mmioemu_mem *m = &out->mem;
    mmioemu_status s;
    switch (f->addr) {
    case A64_ADDR_UIMM: /* imm12, unsigned, scaled by the access size */
        m->disp = (int64_t)field(w, 10, 12) << f->scale;
        break;
    case A64_ADDR_SIMM9: /* unscaled / pre / post / unprivileged / LDAPUR: simm9 */
        m->disp = sfield(w, 12, 9);
        break;
    case A64_ADDR_REG: { /* C6.2 LDR (register): option and S; option<1> fixed 1 */
        uint32_t rm = field(w, 16, 5), opt = field(w, 13, 3);
        m->index = (uint8_t)(rm == 31 ? MMIOEMU_REG_ZR : rm);
        m->index_ext = (uint8_t)(opt == 3 ? MMIOEMU_IDX_LSL : opt); /* 011 = UXTX = LSL */
        m->shift = field(w, 12, 1) ? f->scale : 0;
        break;
    }
    case A64_ADDR_LIT: /* PC + simm19 * 4 */
        m->base = MMIOEMU_REG_RIP;
        m->disp = sfield(w, 5, 19) * 4;
        break;
    case A64_ADDR_PAIR: /* simm7 scaled by the register size */
        m->disp = sfield(w, 15, 7) * (1ll << f->scale);
        break;
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
    case A64_ADDR_MTE: /* simm9 scaled by the 16-byte tag granule */
        m->disp = sfield(w, 12, 9) * 16;
        break;
    case A64_ADDR_MOPS: /* Xd holds the destination address */
    case A64_ADDR_SYS:  /* DC/IC <op>, Xt: the address is in Xt (31 = XZR) */
        m->base = (uint8_t)(field(w, 0, 5) == 31 ? MMIOEMU_REG_ZR : field(w, 0, 5));
        break;
    default: /* A64_ADDR_BASE: [Xn|SP] */
        break;
    }
    return MMIOEMU_OK;
}

mmioemu_status a64_decode_word(uint32_t w, mmioemu_insn *out)
{
    const a64_form *f = a64_lookup(w);
    out->mode = MMIOEMU_ARM64;
    out->length = 4;
    if (!f) {
        out->flags = 0;
        out->kind = MMIOEMU_KIND_NONE;
        /* Inside the group every encoding not in the table is unallocated. */
        return (w & LDST_GROUP_MASK) == LDST_GROUP_VALUE ? MMIOEMU_ERR_INVALID
                                                         : MMIOEMU_ERR_NO_MEMORY_OPERAND;
    }
    unsigned rc = f->rc & 15, r2 = f->rc >> 4;
    out->kind = f->kind;
    out->flags = f->flags;
    out->size = f->size;
    out->dst_size = f->dst_size;
    out->ext = f->ext;
    out->id = (uint16_t)(f - a64_forms);
    out->op = MMIOEMU_OP_NONE;
    out->reg = data_reg(rc, field(w, 0, 5));
    out->reg2 = r2 == A64_R2_RT2  ? data_reg(rc, field(w, 10, 5))
                : r2 == A64_R2_RS ? data_reg(A64_RC_GPR, field(w, 16, 5))
                                  : MMIOEMU_REG_NONE;
    out->mem.disp = 0;
    out->mem.base = (uint8_t)field(w, 5, 5); /* Rn; 31 is SP (C1.2.5) */
    out->mem.index = MMIOEMU_REG_NONE;
    out->mem.shift = 0;
    out->mem.seg = MMIOEMU_SEG_NONE;
    out->mem.addr_size = 8;
    out->mem.index_ext = MMIOEMU_IDX_LSL;
    out->mem.reserved[0] = out->mem.reserved[1] = 0;
    return extract_addr(w, f, out);
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
