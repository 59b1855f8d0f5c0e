/* Native arm64 decoder for the "Loads and Stores" group (plus DC/IC by VA):
 * a two-level table lookup names the one candidate form, one mask compare
 * checks it, and one branch-free fill writes the descriptor from the form's
 * row (a64_fast.h, inline; tables in a64_hot.gen.c). This file: the entry
 * points and the rare paths. Pure and freestanding: the tables are generated
 * from decoders/arm64/a64_forms.spec, nothing is switched on opcodes here.
 * Allocation rules not expressible as a mask live in the spec's rules, except
 * the structure classes' Q/size/S checks below. */
#include "a64_decode.h"

#include "a64_fast.h"
#include "a64_tables.gen.h"

/* l2 holds row byte offsets: the generator's row size is the struct's. */
_Static_assert(sizeof(a64_row) == A64_ROW_BYTES, "a64_row size");

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
 * a64_fill() (a64_fast.h): the form is out->id. Out of line: the fast path keeps
 * no state for it. */
mmioemu_status a64_extract_slow(uint32_t w, mmioemu_insn *out)
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

/* Words outside the group or that no form matches: unallocated inside the
 * group, the DC/IC forms outside it (SYS CRn = 7, a short scan), everything
 * else has no memory operand. */
mmioemu_status a64_decode_cold(uint32_t w, mmioemu_insn *out)
{
    bool group = (w & A64_LDST_GROUP_MASK) == A64_LDST_GROUP_VALUE;
    if (!group && (w & SYS_CRN7_MASK) == SYS_CRN7_VALUE) {
        for (unsigned i = A64_LDST_COUNT; i < A64_FORM_COUNT; i++)
            if ((w & a64_hot.rows[i].mask) == a64_hot.rows[i].value)
                return a64_fill(w, &a64_hot.rows[i], out);
    }
    out->mode = MMIOEMU_ARM64;
    out->length = 4;
    out->flags = 0;
    out->kind = MMIOEMU_KIND_NONE;
    /* Inside the group every encoding not in the table is unallocated. */
    return group ? MMIOEMU_ERR_INVALID : MMIOEMU_ERR_NO_MEMORY_OPERAND;
}

mmioemu_status a64_decode_word(uint32_t w, mmioemu_insn *out)
{
    return a64_decode_hot(w, out);
}

mmioemu_status a64_decode(const uint8_t *code, size_t len, mmioemu_insn *out)
{
    return a64_decode_fast(code, len, out);
}
