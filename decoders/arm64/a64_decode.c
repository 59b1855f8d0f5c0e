/* Native arm64 decoder for the "Loads and Stores" group (plus DC/IC by VA):
 * a two-level table lookup names the one candidate form, one mask compare
 * checks it, and one branch-free fill writes the descriptor from the form's
 * row (a64_hot.gen.h). Pure and freestanding: the tables are generated from
 * decoders/arm64/a64_forms.spec, nothing is switched on opcodes here.
 * Allocation rules not expressible as a mask live in the spec's rules, except
 * the structure classes' Q/size/S checks below. */
#include "a64_decode.h"

#include "a64_hot.gen.h"
#include "a64_tables.gen.h"

/* l2 holds row byte offsets: the generator's row size is the struct's. */
_Static_assert(sizeof(a64_row) == A64_ROW_BYTES, "a64_row size");

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

/* Address classes with a routine of their own (A64_ADDR_PAC and after), after
 * fill(): the form is out->id. Out of line: the fast path keeps no state for it. */
static mmioemu_status __attribute__((noinline)) extract_slow(uint32_t w, mmioemu_insn *out)
{
    const a64_form *f = &a64_forms[out->id];
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

/* Descriptor bytes 8..15 (base .. reserved), 24..31 (flags, size, id) and
 * 32..39 (mode .. ext), each from one value: byte k of a lane is bits 8k+7:8k,
 * so a compiler merges each group into one store on either endianness. */
static inline void put_mem_tail(mmioemu_insn *out, uint64_t v)
{
    out->mem.base = (uint8_t)v;
    out->mem.index = (uint8_t)(v >> 8);
    out->mem.shift = (uint8_t)(v >> 16);
    out->mem.seg = (uint8_t)(v >> 24);
    out->mem.addr_size = (uint8_t)(v >> 32);
    out->mem.index_ext = (uint8_t)(v >> 40);
    out->mem.reserved[0] = (uint8_t)(v >> 48);
    out->mem.reserved[1] = (uint8_t)(v >> 56);
}

static inline void put_lo(mmioemu_insn *out, uint64_t v)
{
    out->flags = (uint32_t)v;
    out->size = (uint16_t)(v >> 32);
    out->id = (uint16_t)(v >> 48);
}

static inline void put_hi(mmioemu_insn *out, uint64_t v)
{
    out->mode = (uint8_t)v;
    out->length = (uint8_t)(v >> 8);
    out->kind = (uint8_t)(v >> 16);
    out->op = (uint8_t)(v >> 24);
    out->reg = (uint8_t)(v >> 32);
    out->reg2 = (uint8_t)(v >> 40);
    out->dst_size = (uint8_t)(v >> 48);
    out->ext = (uint8_t)(v >> 56);
}

/* Fills the descriptor of the form in row r from w: every field, three lanes
 * and disp in four stores, nothing branching on the form's class (a mixed
 * stream does not mispredict) except for the rare classes with a routine of
 * their own. Each step is a few single-uop instructions with a row field as
 * the memory operand: no variable shift (two uops on x86 without BMI2). */
static inline __attribute__((always_inline)) mmioemu_status fill(uint32_t w, const a64_row *r,
                                                                 mmioemu_insn *out)
{
    /* The offset: one immediate field, sign- or zero-extended and scaled:
     * imm12 << size (uimm), simm9, simm19 * 4 (literal), simm7 << size (pairs).
     * The multiplies are left shifts by per-form amounts (the fixed shift
     * back is one uop, a variable one two); the conversion to int32_t is
     * modulo 2^32 and >> of a negative value arithmetic (GCC and Clang
     * document both). */
    out->mem.disp = ((int64_t)(int32_t)((w & r->imm_mask) * r->imm_mul) * r->imm_mul2) >> 32;
    /* Registers: Rn is its own number (31 = SP), or 0 and the PC for
     * literals from the xs row. The rest of bytes 8..15 by table: C6.2 LDR
     * (register) by Rm:option:S (Rm 31 = XZR, option the extension, S scales
     * by the access size), every other form one constant row (index NONE).
     * Rt and Rt2/Rs by class table, each already at its place in its lane. */
    put_mem_tail(out, a64_hot.xs[r->xs + ((w >> 12) & r->xs_mask)] | ((w >> 5) & r->rn_mask));
    put_lo(out, r->lo);
    put_hi(out, r->hi | a64_hot.reg[r->rt + field(w, 0, 5)] |
                    a64_hot.reg2[((w * r->r2_mul) >> 27) + r->r2]);
    if (r->xs == A64_HOT_SLOW)
        return extract_slow(w, out);
    return MMIOEMU_OK;
}

/* Words outside the group or that no form matches: unallocated inside the
 * group, the DC/IC forms outside it (SYS CRn = 7, a short scan), everything
 * else has no memory operand. */
static mmioemu_status __attribute__((noinline)) decode_cold(uint32_t w, mmioemu_insn *out)
{
    bool group = (w & LDST_GROUP_MASK) == LDST_GROUP_VALUE;
    if (!group && (w & SYS_CRN7_MASK) == SYS_CRN7_VALUE) {
        for (unsigned i = A64_LDST_COUNT; i < A64_FORM_COUNT; i++)
            if ((w & a64_hot.rows[i].mask) == a64_hot.rows[i].value)
                return fill(w, &a64_hot.rows[i], out);
    }
    out->mode = MMIOEMU_ARM64;
    out->length = 4;
    out->flags = 0;
    out->kind = MMIOEMU_KIND_NONE;
    /* Inside the group every encoding not in the table is unallocated. */
    return group ? MMIOEMU_ERR_INVALID : MMIOEMU_ERR_NO_MEMORY_OPERAND;
}

/* The lookup: bits 31:21 pick a slice of the second level, the few bits of
 * 15:10 the generator chose pick the one candidate form in it; its mask
 * compare is the only test (a64_hot.gen.h). The group test first, although
 * the table alone would reject other words (their entries name a row that
 * never matches): in real code most words are outside the group, and a
 * mispredicted branch resolved before the three dependent loads costs less. */
static inline __attribute__((always_inline)) mmioemu_status decode(uint32_t w, mmioemu_insn *out)
{
    if ((w & LDST_GROUP_MASK) != LDST_GROUP_VALUE)
        return decode_cold(w, out);
    const a64_l1 *e = &a64_hot.l1[w >> A64_L1_SHIFT];
    const a64_row *r = (const a64_row *)((const char *)a64_hot.rows +
                                         a64_hot.l2[e->base + ((w & e->bits) >> A64_L2_SHIFT)]);
    if ((w & r->mask) != r->value)
        return decode_cold(w, out);
    return fill(w, r, out);
}

mmioemu_status a64_decode_word(uint32_t w, mmioemu_insn *out)
{
    return decode(w, out);
}

mmioemu_status a64_decode(const uint8_t *code, size_t len, mmioemu_insn *out)
{
    if (len < 4) {
        out->mode = MMIOEMU_ARM64;
        out->length = 4;
        return MMIOEMU_ERR_TRUNCATED;
    }
    /* Arm ARM B2.6.2: instruction fetches are always little-endian. Four
     * explicit bytes (one load on a little-endian host, a load and a byte
     * swap on a big-endian one). */
    return decode((uint32_t)code[0] | (uint32_t)code[1] << 8 | (uint32_t)code[2] << 16 |
                      (uint32_t)code[3] << 24,
                  out);
}
