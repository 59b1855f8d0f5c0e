/* The native arm64 decoder's hot path, inline: the two-level lookup and the
 * branch-free fill (a64_hot.gen.h). mmioemu_decode()'s arm64 branch
 * (lib/decode.c) and a64_decode.c both expand it, so the public call costs one
 * call level and no argument shuffle; the rare paths stay out of line in
 * a64_decode.c. Internal to the core. */
#ifndef MMIOEMU_A64_FAST_H
#define MMIOEMU_A64_FAST_H

#include <mmioemu/insn.h>

#include "a64_hot.gen.h"

/* Arm ARM C4.1: op0 (bits 28:25) = x1x0 is the Loads and Stores group. */
#define A64_LDST_GROUP_MASK 0x0a000000u
#define A64_LDST_GROUP_VALUE 0x08000000u

/* a64_decode.c. Hidden: direct calls from the shared library, no PLT. */
__attribute__((visibility("hidden"))) mmioemu_status a64_decode_cold(uint32_t w, mmioemu_insn *out);
__attribute__((visibility("hidden"))) mmioemu_status a64_extract_slow(uint32_t w,
                                                                      mmioemu_insn *out);

/* Descriptor bytes 8..15 (base .. reserved), 24..31 (flags, size, id) and
 * 32..39 (mode .. ext), each from one value: byte k of a lane is bits 8k+7:8k,
 * so a compiler merges each group into one store on either endianness. */
static inline void a64_put_tail(mmioemu_insn *out, uint64_t v)
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

static inline void a64_put_lo(mmioemu_insn *out, uint64_t v)
{
    out->flags = (uint32_t)v;
    out->size = (uint16_t)(v >> 32);
    out->id = (uint16_t)(v >> 48);
}

static inline void a64_put_hi(mmioemu_insn *out, uint64_t v)
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
static inline __attribute__((always_inline)) mmioemu_status a64_fill(uint32_t w, const a64_row *r,
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
     * literals from the xs row; Rm by table (31 = XZR), or 0 and NONE from
     * the xs row. The rest of bytes 8..15 from the xs row: C6.2 LDR
     * (register) by option:S (option the extension, S scales by the access
     * size), every other form a constant. Rt and Rt2/Rs by class table, each
     * already at its place in its lane. */
    a64_put_tail(out, a64_hot.xs[r->xs + ((w >> 12) & 15)] | ((w >> 5) & r->rn_mask) |
                          a64_hot.index[(w >> 16) & r->rm_mask]);
    a64_put_lo(out, r->lo);
    a64_put_hi(out, r->hi | a64_hot.reg[r->rt + (w & 31)] |
                        a64_hot.reg2[((w * r->r2_mul) >> 27) + r->r2]);
    if (r->xs == A64_HOT_SLOW)
        return a64_extract_slow(w, out);
    return MMIOEMU_OK;
}

/* The lookup: bits 31:21 pick a slice of the second level, the few bits of
 * 15:10 the generator chose pick the one candidate form in it; its mask
 * compare is the only test (a64_hot.gen.h). The group test first, although
 * the table alone would reject other words (their entries name a row that
 * never matches): in real code most words are outside the group, and a
 * mispredicted branch resolved before the three dependent loads costs less. */
static inline __attribute__((always_inline)) mmioemu_status a64_decode_hot(uint32_t w,
                                                                           mmioemu_insn *out)
{
    if ((w & A64_LDST_GROUP_MASK) != A64_LDST_GROUP_VALUE)
        return a64_decode_cold(w, out);
    const a64_l1 *e = &a64_hot.l1[w >> A64_L1_SHIFT];
    const a64_row *r = (const a64_row *)((const char *)a64_hot.rows +
                                         a64_hot.l2[e->base + ((w & e->bits) >> A64_L2_SHIFT)]);
    if ((w & r->mask) != r->value)
        return a64_decode_cold(w, out);
    return a64_fill(w, r, out);
}

/* Decodes the little-endian word at code[0..3] (fewer than 4 bytes:
 * TRUNCATED, 4 needed). */
static inline __attribute__((always_inline)) mmioemu_status
a64_decode_fast(const uint8_t *code, size_t len, mmioemu_insn *out)
{
    if (len < 4) {
        out->mode = MMIOEMU_ARM64;
        out->length = 4;
        return MMIOEMU_ERR_TRUNCATED;
    }
    /* Arm ARM B2.6.2: instruction fetches are always little-endian. Four
     * explicit bytes (one load on a little-endian host, a load and a byte
     * swap on a big-endian one). */
    return a64_decode_hot((uint32_t)code[0] | (uint32_t)code[1] << 8 | (uint32_t)code[2] << 16 |
                              (uint32_t)code[3] << 24,
                          out);
}

#endif
