/* VEX (C4/C5), EVEX (62) and XOP (8F) prefix parsing and the field rules
 * that depend on the selected form; included only by x86_decode.c (static
 * inline, so the hot path stays one function). */
#ifndef MMIOEMU_X86_VEX_H
#define MMIOEMU_X86_VEX_H

#include <mmioemu/insn.h>

#include "x86_tables.gen.h"

/* Vector/EVEX prefix state, filled by x86_vex(). */
typedef struct x86_vex_state {
    uint8_t map, pp, w, vl, rex, rr, vvvv, evex, aaa, z, b;
    uint8_t vraw; /* vvvv as encoded (all bits even outside 64-bit mode): "must be 1111b" */
} x86_vex_state;

/* SDM Vol. 2A 2.3.5 (VEX) and 2.7.1 (EVEX): read the prefix bytes at code[*i]
 * (the C4/C5/62 byte already consumed). Returns 0 on success, 1 invalid, or
 * the total bytes needed (> len) when truncated, as a negative number. */
static inline int x86_vex(unsigned esc, const uint8_t *code, size_t len, size_t *pi, unsigned is64,
                          x86_vex_state *v)
{
    size_t i = *pi;
    unsigned p0, p1, p2;
    if (esc == 0x8f) {
        /* AMD XOP: like a 3-byte VEX with map select 8..10 (AMD APM Vol. 4 1.1). */
        if (i + 2 > len)
            return -(int)(i + 2);
        p0 = code[i];
        p1 = code[i + 1];
        unsigned mm = p0 & 0x1f;
        if (mm < 8 || mm > 10)
            return 1;
        v->map = X86_MAP_X8 + mm - 8;
        v->rex = ((~p0 >> 5) & 7) | ((p1 >> 4) & 8);
        v->w = p1 >> 7;
        v->vvvv = (~p1 >> 3) & 15;
        v->vl = (p1 & 4) ? 32 : 16;
        v->pp = p1 & 3;
        *pi = i + 2;
        return 0;
    }
    if (esc == 0xc5) {
        if (i + 1 > len)
            return -(int)(i + 1);
        p0 = code[i];
        v->map = X86_MAP_V1;
        v->rex = (~p0 >> 5) & 4; /* R */
        v->w = 0;
        v->vvvv = (~p0 >> 3) & 15;
        v->vl = (p0 & 4) ? 32 : 16;
        v->pp = p0 & 3;
        v->evex = 0;
        *pi = i + 1;
        return 0;
    }
    if (esc == 0xc4) {
        if (i + 2 > len)
            return -(int)(i + 2);
        p0 = code[i];
        p1 = code[i + 1];
        unsigned mm = p0 & 0x1f;
        if (mm < 1 || mm > 3)
            return 1;
        v->map = X86_MAP_V1 + mm - 1;
        v->rex = ((~p0 >> 5) & 7) | ((p1 >> 4) & 8); /* R X B W as REX bits */
        v->w = p1 >> 7;
        v->vvvv = (~p1 >> 3) & 15;
        v->vl = (p1 & 4) ? 32 : 16;
        v->pp = p1 & 3;
        v->evex = 0;
        *pi = i + 2;
        return 0;
    }
    /* EVEX 62: P0 = R X B R' 0 m m m, P1 = W vvvv 1 pp, P2 = z L'L b V' aaa */
    if (i + 3 > len)
        return -(int)(i + 3);
    p0 = code[i];
    p1 = code[i + 1];
    p2 = code[i + 2];
    static const uint8_t emap[8] = {0, X86_MAP_E1, X86_MAP_E2, X86_MAP_E3,
                                    0, X86_MAP_E5, X86_MAP_E6, 0};
    if ((p0 & 8) || !(p1 & 4) || !emap[p0 & 7])
        return 1;
    v->map = emap[p0 & 7];
    v->rex = ((~p0 >> 5) & 7) | ((p1 >> 4) & 8);
    v->rr = (~p0 >> 4) & 1; /* R' */
    v->w = p1 >> 7;
    v->vvvv = ((~p1 >> 3) & 15) | ((~p2 << 1) & 16); /* V' */
    v->vl = 16u << ((p2 >> 5) & 3);
    v->pp = p1 & 3;
    v->evex = 1;
    v->aaa = p2 & 7;
    v->z = p2 >> 7;
    v->b = (p2 >> 4) & 1;
    (void)is64;
    *pi = i + 3;
    return 0;
}

/* VEX/EVEX field constraints of the form (SDM Vol. 2A 2.3.6, 2.7.x exception
 * classes): unused vvvv must be 1111b, L fixed where the form says so. The
 * EVEX checks that need ModRM.mod are in x86_evex_invalid(). */
static inline int x86_vex_invalid(uint32_t ff, const x86_vex_state *v, unsigned is64)
{
    unsigned vvvv = v->vraw;
    (void)is64;
    if (ff & X86_FF_VSIB)
        vvvv &= 15; /* EVEX.V' extends the VSIB index instead */
    if ((ff & X86_FF_NV) && vvvv)
        return 1;
    /* L0 and L1 together mean EVEX.512 only, checked in x86_evex_invalid(). */
    const uint32_t l = ff & (X86_FF_L0 | X86_FF_L1);
    if (l == X86_FF_L0 && v->vl != 16)
        return 1;
    if (l == X86_FF_L1 && v->vl == 16)
        return 1;
    /* Only k0-k7 exist: a k register in ModRM.reg needs R (and EVEX.R') clear;
     * the VEX mask-logic forms also take one in vvvv. ModRM.rm ignores B. */
    if ((ff & X86_FF_KR) && ((v->rex & 4) || (v->evex ? v->rr : (v->vvvv & 8))))
        return 1;
    if (v->evex) {
        if ((ff & X86_FF_NOMASK) && v->aaa)
            return 1;
        if ((ff & X86_FF_MASK) && !v->aaa)
            return 1;
    }
    return 0;
}

/* EVEX.b with a memory operand is a broadcast, with a register operand a
 * rounding / SAE control (L'L is then the rounding mode, not a length);
 * L'L = 11b is reserved otherwise (SDM Vol. 2A 2.7.x, Table 2-36). EVEX.z is
 * zeroing-masking (SDM 2.7.4): it needs a mask (z = 1 with aaa = 000 is #UD:
 * Intel XED's BAD_EVEX_Z_NO_MASKING, Zydis's INVALID_MASK), and is #UD for
 * stores to memory and for opmask destinations (compares). */
static inline int x86_evex_invalid(uint32_t ff, const x86_vex_state *v, unsigned mem)
{
    if (v->b && (mem ? !(ff & X86_FF_BC) : !(ff & X86_FF_ER)))
        return 1;
    if ((mem || !v->b) && (v->vl > 64 || ((ff & X86_FF_L0) && (ff & X86_FF_L1) && v->vl != 64)))
        return 1; /* reserved L'L; an EVEX.512-only form at another length */
    if (v->z && (!v->aaa || (mem && (ff & X86_FF_NZ)) || (ff & (X86_FF_NOMASK | X86_FF_KR))))
        return 1;
    return 0;
}

#endif
