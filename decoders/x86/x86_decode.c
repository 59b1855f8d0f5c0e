/* Native x86 decoder: bytes -> mmioemu_insn for 16/32/64-bit modes.
 * One hot function driven by the tables generated from x86_forms.spec; it
 * never reads code[i] for i >= len and never writes fields the kind does not define. */
#include "x86_decode.h"

#include "../../lib/bytes.h"
#include "x86_tables.gen.h"

_Static_assert((int)X86_K_OTHER == (int)MMIOEMU_KIND_OTHER &&
                   (int)X86_K_M64B == (int)MMIOEMU_KIND_MOVDIR64B &&
                   (int)X86_K_RMW == (int)MMIOEMU_KIND_ALU_RMW &&
                   (int)X86_K_FLUSH == (int)MMIOEMU_KIND_FLUSH,
               "spec kind codes follow mmioemu_kind");

/* Legacy prefix classes (SDM Vol. 2A 2.1.1): low 3 bits carry the segment number. */
enum { P_NONE = 0, P_SEG = 0x08, P_66 = 0x10, P_67 = 0x20, P_LOCK = 0x40, P_REP = 0x80 };

static const uint8_t x86_prefix[256] = {
    [0x26] = P_SEG | MMIOEMU_SEG_ES, [0x2e] = P_SEG | MMIOEMU_SEG_CS,
    [0x36] = P_SEG | MMIOEMU_SEG_SS, [0x3e] = P_SEG | MMIOEMU_SEG_DS,
    [0x64] = P_SEG | MMIOEMU_SEG_FS, [0x65] = P_SEG | MMIOEMU_SEG_GS,
    [0x66] = P_66, [0x67] = P_67, [0xf0] = P_LOCK, [0xf2] = P_REP, [0xf3] = P_REP,
};

/* SDM Vol. 2A Table 2-1: 16-bit ModRM base/index by rm. */
static const uint8_t x86_rm16_base[8] = {MMIOEMU_REG_RBX, MMIOEMU_REG_RBX, MMIOEMU_REG_RBP,
                                         MMIOEMU_REG_RBP, MMIOEMU_REG_RSI, MMIOEMU_REG_RDI,
                                         MMIOEMU_REG_RBP, MMIOEMU_REG_RBX};
static const uint8_t x86_rm16_index[8] = {MMIOEMU_REG_RSI, MMIOEMU_REG_RDI, MMIOEMU_REG_RSI,
                                          MMIOEMU_REG_RDI, MMIOEMU_REG_NONE, MMIOEMU_REG_NONE,
                                          MMIOEMU_REG_NONE, MMIOEMU_REG_NONE};

/* Immediate bytes by X86_IMM_* for operand size 2/4/8 (index osz>>2: 0,1,2). */
static const uint8_t x86_imm_len[13][3] = {
    [X86_IMM_IB] = {1, 1, 1},  [X86_IMM_IW] = {2, 2, 2},  [X86_IMM_IZ] = {2, 4, 4},
    [X86_IMM_IV] = {2, 4, 8},  [X86_IMM_IWB] = {3, 3, 3}, [X86_IMM_AP] = {4, 6, 6},
    [X86_IMM_JB] = {1, 1, 1},  [X86_IMM_JZ] = {2, 4, 4},  [X86_IMM_IBZ] = {1, 1, 1},
    [X86_IMM_IBB] = {2, 2, 2}, [X86_IMM_ID] = {4, 4, 4},
};

/* Bytes of the access for the size rules that do not depend on the prefixes. */
static const uint16_t x86_fixed_size[X86_SZ_XS + 1] = {
    [X86_SZ_B] = 1,   [X86_SZ_W] = 2,   [X86_SZ_D] = 4,    [X86_SZ_Q] = 8,
    [X86_SZ_T] = 10,  [X86_SZ_DQ] = 16, [X86_SZ_QQ] = 32,  [X86_SZ_O] = 64,
    [X86_SZ_FX] = 512,
};

static inline unsigned x86_size(unsigned rule, unsigned osz, unsigned asz, unsigned vl,
                                unsigned is64, unsigned w)
{
    switch (rule) {
    case X86_SZ_V: return osz;
    case X86_SZ_Z: return osz == 2 ? 2 : 4;
    case X86_SZ_Y: return osz == 8 ? 8 : 4;
    case X86_SZ_VD: return osz == 8 ? 4 : osz;
    case X86_SZ_X: return vl;
    case X86_SZ_XH: return vl >> 1;
    case X86_SZ_XQ: return vl >> 2;
    case X86_SZ_XO: return vl >> 3;
    case X86_SZ_P: return 2 + osz;
    case X86_SZ_S: return is64 ? 10 : 6;
    case X86_SZ_BND: return 2 * osz;
    case X86_SZ_CX: return osz == 8 ? 16 : 8;
    case X86_SZ_ENV: return osz == 2 ? 14 : 28;
    case X86_SZ_FS: return osz == 2 ? 94 : 108;
    case X86_SZ_A: return asz;
    case X86_SZ_WS: return w ? 8 : 4; /* scalar single/double by VEX/EVEX.W */
    default: return x86_fixed_size[rule];
    }
}

/* Vector/EVEX prefix state, filled by x86_vex(). */
typedef struct x86_vex_state {
    unsigned map, pp, w, vl, rex, rr, vvvv, evex, aaa, z, b;
} x86_vex_state;

/* SDM Vol. 2A 2.3.5 (VEX) and 2.7.1 (EVEX): read the prefix bytes at code[*i]
 * (the C4/C5/62 byte already consumed). Returns 0 on success, 1 invalid, or
 * the total bytes needed (> len) when truncated, as a negative number. */
static inline int x86_vex(unsigned esc, const uint8_t *code, size_t len, size_t *pi,
                          unsigned is64, x86_vex_state *v)
{
    size_t i = *pi;
    unsigned p0, p1, p2;
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
    static const uint8_t emap[8] = {0, X86_MAP_E1, X86_MAP_E2, X86_MAP_E3, 0, X86_MAP_E5,
                                    X86_MAP_E6, 0};
    if ((p0 & 8) || !(p1 & 4) || !emap[p0 & 7])
        return 1;
    v->map = emap[p0 & 7];
    v->rex = ((~p0 >> 5) & 7) | ((p1 >> 4) & 8);
    v->rr = (~p0 >> 4) & 1;       /* R' */
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
    unsigned vvvv = is64 ? v->vvvv : v->vvvv & 7;
    if (ff & X86_FF_VSIB)
        vvvv &= 15; /* EVEX.V' extends the VSIB index instead */
    if ((ff & X86_FF_NV) && vvvv)
        return 1;
    if ((ff & X86_FF_L0) && v->vl != 16)
        return 1;
    if ((ff & X86_FF_L1) && v->vl == 16)
        return 1;
    if ((ff & X86_FF_KR) && ((v->rex & 4) || (vvvv & 8)))
        return 1; /* only k0-k7 exist */
    if (v->evex) {
        if ((ff & X86_FF_NOMASK) && v->aaa)
            return 1;
        if ((ff & X86_FF_MASK) && !v->aaa)
            return 1;
    }
    return 0;
}

/* EVEX.b with a memory operand is a broadcast, with a register operand a
 * rounding / SAE control; EVEX.z is zeroing-masking, never for stores to
 * memory; L'L = 11b is reserved except as a rounding control (SDM 2.7.x). */
static inline int x86_evex_invalid(uint32_t ff, const x86_vex_state *v, unsigned mem)
{
    if (v->b) {
        if (mem ? !(ff & X86_FF_BC) : !(ff & X86_FF_ER))
            return 1;
        if (!mem)
            return 0;
    }
    if (v->vl > 64)
        return 1;
    if (v->z && (!v->aaa || (mem && (ff & X86_FF_NZ)) || (ff & X86_FF_NOMASK)))
        return 1;
    return 0;
}

#define X86_NEED(n)                                                                               \
    do {                                                                                          \
        if ((n) > len) {                                                                          \
            need = (n);                                                                           \
            goto truncated;                                                                       \
        }                                                                                         \
    } while (0)

mmioemu_status x86_decode(mmioemu_mode mode, const uint8_t *code, size_t len, mmioemu_insn *out)
{
    const unsigned is64 = mode == MMIOEMU_X86_64, is16 = mode == MMIOEMU_X86_16;
    size_t i = 0, need;
    unsigned rex = 0, seg = MMIOEMU_SEG_NONE, p66 = 0, p67 = 0, lock = 0, rep = 0, b;
    x86_vex_state vx;

    /* SDM Vol. 2A 2.1.1 / 2.2.1: legacy prefixes in any order, then an optional
     * REX that counts only when it immediately precedes the opcode. */
    for (;;) {
        if (i >= 15)
            return MMIOEMU_ERR_INVALID;
        X86_NEED(i + 1);
        b = code[i];
        unsigned c = x86_prefix[b];
        if (!c) {
            if (is64 && (b & 0xf0) == 0x40) {
                rex = b;
                i++;
                continue;
            }
            break;
        }
        rex = 0;
        i++;
        /* The last segment override wins; in 64-bit mode ES/CS/SS/DS
         * overrides are ignored altogether (SDM Vol. 1 3.3.7.1). */
        if ((c & P_SEG) && !(is64 && (c & 7) < MMIOEMU_SEG_FS))
            seg = c & 7;
        p66 |= c & P_66;
        p67 |= c & P_67;
        lock |= c & P_LOCK;
        if (c & P_REP)
            rep = b == 0xf3 ? 2 : 3; /* the last of F2/F3 wins (mandatory prefix) */
    }
    i++;
    unsigned map = X86_MAP_1B, psel = rep ? rep : (p66 ? 1 : 0), vl = 16, vexw = rex >> 3;
    vx.evex = 0;
    vx.rex = 0;
    vx.vl = 16;
    vx.rr = 0;
    vx.vvvv = 0;
    vx.aaa = 0;
    vx.b = 0;
    vx.z = 0;
    if (b == 0x0f) {
        X86_NEED(i + 1);
        b = code[i++];
        map = X86_MAP_0F;
        if (b == 0x38 || b == 0x3a) {
            map = b == 0x38 ? X86_MAP_38 : X86_MAP_3A;
            X86_NEED(i + 1);
            b = code[i++];
        } else if (b == 0x0f) {
            map = X86_MAP_3DN;
        }
    } else if ((b & 0xfe) == 0xc4 || b == 0x62 || b == 0x8f) {
        /* C4/C5 are LES/LDS and 62 is BOUND outside 64-bit mode unless the next
         * byte has mod == 11 (SDM 2.3.5); 8F is POP unless ModRM.reg != 0 (XOP). */
        X86_NEED(i + 1);
        unsigned nx = code[i];
        int esc = b == 0x8f ? (nx & 0x18) != 0 : (is64 || nx >= 0xc0);
        if (esc) {
            if (b == 0x8f) {
                X86_NEED(i + 2);
                unsigned mm = nx & 0x1f;
                if (mm < 8 || mm > 10)
                    return MMIOEMU_ERR_INVALID;
                vx.map = X86_MAP_X8 + mm - 8;
                vx.rex = ((~nx >> 5) & 7) | ((code[i + 1] >> 4) & 8);
                vx.w = code[i + 1] >> 7;
                vx.vvvv = (~code[i + 1] >> 3) & 15;
                vx.vl = (code[i + 1] & 4) ? 32 : 16;
                vx.pp = code[i + 1] & 3;
                i += 2;
            } else {
                int r = x86_vex(b, code, len, &i, is64, &vx);
                if (r < 0) {
                    need = (size_t)-r;
                    goto truncated;
                }
                if (r)
                    return MMIOEMU_ERR_INVALID;
            }
            /* SDM 2.3.2: VEX/EVEX/XOP after 66, F2, F3, LOCK or REX is #UD. */
            if (p66 | rep | lock | rex)
                return MMIOEMU_ERR_INVALID;
            if (!is64) {
                if (vx.evex && (vx.vvvv & 16))
                    return MMIOEMU_ERR_INVALID; /* EVEX.V' = 0: no v16-v31 outside 64-bit mode */
                vx.rex &= 8; /* R/X/B are ignored outside 64-bit mode */
                vx.rr = 0;
                vx.vvvv &= 7;
            }
            map = vx.map;
            psel = vx.pp;
            rex = 0x40 | vx.rex;
            vexw = vx.w;
            vl = vx.vl;
            X86_NEED(i + 1);
            b = code[i++];
        }
    }

    /* Opcode -> form, through a group when prefix / W / ModRM select it. */
    unsigned modrm = 0, have_modrm = 0, fid;
    unsigned e = map == X86_MAP_3DN ? 0 : x86_maps[map][b];
    if (map == X86_MAP_3DN) {
        fid = 0; /* resolved after the operand: the opcode is the trailing imm8 */
        X86_NEED(i + 1);
        modrm = code[i];
        have_modrm = 1;
    } else if (e & X86_GROUP_BIT) {
        const x86_group *g = &x86_groups[e & 0x7fff];
        if (g->s_mod | g->s_reg) {
            X86_NEED(i + 1);
            modrm = code[i];
            have_modrm = 1;
        }
        fid = x86_group_forms[g->base + is64 * g->s_mode + (vexw & 1) * g->s_w +
                              psel * g->s_pfx + ((modrm >> 6) == 3) * g->s_mod +
                              ((modrm >> 3) & 7) * g->s_reg];
        if (!fid)
            return MMIOEMU_ERR_INVALID;
    } else {
        fid = e;
        if (!fid)
            return MMIOEMU_ERR_INVALID;
    }
    const x86_form *f = &x86_forms[fid];
    uint32_t ff = map == X86_MAP_3DN ? X86_FF_MODRM : f->flags;
    if (ff & (is64 ? X86_FF_I64 : X86_FF_O64))
        return MMIOEMU_ERR_INVALID;

    if (map >= X86_MAP_V1 && x86_vex_invalid(ff, &vx, is64))
        return MMIOEMU_ERR_INVALID;

    /* Operand and address size (SDM Vol. 1 3.6.1, Vol. 2A 2.2.1.2). */
    unsigned osz, asz, o66 = p66 && !(ff & X86_FF_M66);
    if (is64) {
        osz = (rex & 8) ? 8 : (ff & X86_FF_F64) ? 8 : o66 ? 2 : (ff & X86_FF_D64) ? 8 : 4;
        asz = p67 ? 4 : 8;
    } else {
        osz = (is16 ^ !!o66) ? 2 : 4;
        asz = (is16 ^ !!p67) ? 2 : 4;
    }

    unsigned mem = 0, mod = 3, rm = 0;
    size_t dlen = 0;
    unsigned base = MMIOEMU_REG_NONE, index = MMIOEMU_REG_NONE, shift = 0, dseg = MMIOEMU_SEG_DS;
    if (ff & X86_FF_MODRM) {
        if (!have_modrm) {
            X86_NEED(i + 1);
            modrm = code[i];
        }
        i++;
        mod = (ff & X86_FF_MODREG) ? 3 : modrm >> 6; /* MOV CR/DR ignore mod (SDM 2A) */
        rm = modrm & 7;
        if (ff & (X86_FF_CR | X86_FF_DR)) {
            /* CR0, CR2-CR4 and CR8 (REX.R) exist; DR8-DR15 do not (SDM 3A 2.5, 17.2). */
            unsigned r = ((modrm >> 3) & 7) | ((rex & 4) << 1);
            if ((ff & X86_FF_CR) ? !((0x11du >> r) & 1) : r > 7)
                return MMIOEMU_ERR_INVALID;
        }
        if (mod == 3) {
            if ((ff & X86_FF_KR) && (rex & 1))
                return MMIOEMU_ERR_INVALID; /* k8-k15 do not exist */
            if ((ff & X86_FF_MEMONLY) || !((f->rmmask >> rm) & 1 || map == X86_MAP_3DN))
                return MMIOEMU_ERR_INVALID;
        } else {
            if ((ff & X86_FF_REGONLY) || ((ff & X86_FF_VSIB) && (rm != 4 || asz == 2)))
                return MMIOEMU_ERR_INVALID;
            mem = 1;
            if (asz == 2) {
                /* SDM Vol. 2A Table 2-1: 16-bit addressing (#UD for MPX, SDM 1 17.3). */
                if (ff & X86_FF_MPX)
                    return MMIOEMU_ERR_INVALID;
                dlen = mod == 1 ? 1 : mod == 2 ? 2 : 0;
                if (mod == 0 && rm == 6) {
                    dlen = 2;
                } else {
                    base = x86_rm16_base[rm];
                    index = x86_rm16_index[rm];
                    if (base == MMIOEMU_REG_RBP)
                        dseg = MMIOEMU_SEG_SS;
                }
            } else {
                /* SDM Vol. 2A Tables 2-2, 2-3 and 2.2.1.6 (RIP-relative). */
                unsigned bb = rm;
                dlen = mod == 1 ? 1 : mod == 2 ? 4 : 0;
                if (rm == 4) {
                    X86_NEED(i + 1);
                    unsigned sib = code[i++];
                    unsigned ix = ((sib >> 3) & 7) | ((rex & 2) << 2);
                    index = ix == 4 ? MMIOEMU_REG_NONE : ix;
                    if (ff & X86_FF_VSIB) /* SDM 2.3.12: VSIB index is a vector register */
                        index = MMIOEMU_REG_V0 + (ix | (vx.evex && is64 ? vx.vvvv & 16 : 0));
                    shift = sib >> 6;
                    bb = sib & 7;
                    if (bb == 5 && mod == 0) {
                        dlen = 4;
                        bb = MMIOEMU_REG_NONE;
                    }
                } else if (rm == 5 && mod == 0) {
                    if (is64 && (ff & X86_FF_MPX))
                        return MMIOEMU_ERR_INVALID; /* MPX: RIP-relative is #UD */
                    dlen = 4;
                    bb = is64 ? MMIOEMU_REG_RIP : MMIOEMU_REG_NONE;
                }
                if (bb < 8) {
                    bb |= (rex & 1) << 3;
                    if ((bb & 7) == 4 || (bb & 7) == 5)
                        dseg = (bb == 4 || bb == 5) ? MMIOEMU_SEG_SS : MMIOEMU_SEG_DS;
                }
                base = bb;
            }
        }
    }
    size_t dpos = i;
    i += dlen;

    /* Immediate; 3DNow! puts its opcode where the immediate would be. */
    unsigned imm_rule = map == X86_MAP_3DN ? X86_IMM_IB : f->imm, ilen;
    if (imm_rule == X86_IMM_MO)
        ilen = asz;
    else
        ilen = x86_imm_len[imm_rule][osz >> 2];
    if (imm_rule == X86_IMM_JZ && is64)
        ilen = 4; /* near branches ignore 66 in 64-bit mode (Intel) */
    size_t total = i + ilen;
    if (total > 15)
        return MMIOEMU_ERR_INVALID;
    X86_NEED(total);
    if (map == X86_MAP_3DN) {
        e = x86_maps[X86_MAP_3DN][code[i]];
        if (!e)
            return MMIOEMU_ERR_INVALID;
        fid = e;
        f = &x86_forms[fid];
        ff = f->flags;
        if (mod == 3)
            mem = 0;
    }
    if (vx.evex && x86_evex_invalid(ff, &vx, mem))
        return MMIOEMU_ERR_INVALID;
    if (lock && (!(ff & X86_FF_LOCK) || !mem))
        return MMIOEMU_ERR_INVALID; /* SDM Vol. 2A LOCK: #UD otherwise */

    out->mode = (uint8_t)mode;
    out->length = (uint8_t)total;
    out->id = (uint16_t)fid;
    unsigned kind = f->kind;
    if (!kind || (!mem && (ff & X86_FF_MODRM))) {
        out->kind = MMIOEMU_KIND_NONE;
        out->flags = 0;
        return MMIOEMU_ERR_NO_MEMORY_OPERAND;
    }

    uint32_t flags = (ff & X86_FF_NT ? MMIOEMU_F_NT : 0) | (ff & X86_FF_AL ? MMIOEMU_F_ALIGNED : 0) |
                     (ff & X86_FF_BSWAP ? MMIOEMU_F_BSWAP : 0) |
                     (ff & X86_FF_DIR ? MMIOEMU_F_DIRECT : 0) |
                     (ff & X86_FF_MEMSRC ? MMIOEMU_F_MEM_SRC : 0) | (lock ? MMIOEMU_F_LOCK : 0);
    if (map >= X86_MAP_V1)
        flags |= vx.evex ? MMIOEMU_F_VEX | MMIOEMU_F_EVEX : MMIOEMU_F_VEX;

    unsigned size = x86_size(f->size, osz, asz, vl, is64, vexw & 1);
    unsigned dst = f->dst ? x86_size(f->dst, osz, asz, vl, is64, vexw & 1) : size;

    /* Address expression. */
    out->mem.addr_size = (uint8_t)asz;
    out->mem.index_ext = MMIOEMU_IDX_LSL;
    if (ff & X86_FF_MODRM) {
        int64_t disp = 0;
        if (dlen)
            disp = (int64_t)mm_sext(mm_load_le(code + dpos, (unsigned)dlen), (unsigned)dlen);
        if (vx.evex && dlen == 1) {
            /* SDM 2.7.5 disp8*N: N is the memory operand size, or the element size
             * with a broadcast (FP16 maps 5/6 and np map-3 forms: 2 bytes). */
            unsigned elem = (map == X86_MAP_E5 || map == X86_MAP_E6 ||
                             (map == X86_MAP_E3 && psel == 0)) ? 2 : (vexw ? 8 : 4);
            disp *= (int64_t)(vx.b ? elem : (size ? size : 1));
        }
        if (vx.evex && vx.b)
            size = (map == X86_MAP_E5 || map == X86_MAP_E6 || (map == X86_MAP_E3 && psel == 0))
                       ? 2 : (vexw ? 8 : 4); /* a broadcast reads one element */
        out->mem.disp = disp;
        out->mem.base = (uint8_t)base;
        out->mem.index = (uint8_t)index;
        out->mem.shift = (uint8_t)shift;
    } else if (imm_rule == X86_IMM_MO) {
        out->mem.disp = (int64_t)mm_load_le(code + i, ilen); /* moffs: zero-extended offset */
        out->mem.base = MMIOEMU_REG_NONE;
        out->mem.index = MMIOEMU_REG_NONE;
        out->mem.shift = 0;
    } else {
        /* String forms: [seg:rSI] source, ES:[rDI] destination (SDM Vol. 1 7.3.9). */
        unsigned dsti = kind == MMIOEMU_KIND_STOS || kind == MMIOEMU_KIND_SCAS ||
                        (kind == MMIOEMU_KIND_OTHER && (b & 0xfe) == 0x6c);
        out->mem.disp = 0;
        out->mem.base = map == X86_MAP_1B && b == 0xd7 ? MMIOEMU_REG_RBX
                                             : (dsti ? MMIOEMU_REG_RDI : MMIOEMU_REG_RSI);
        out->mem.index = MMIOEMU_REG_NONE;
        out->mem.shift = 0;
        if (dsti) {
            seg = MMIOEMU_SEG_NONE;
            dseg = MMIOEMU_SEG_ES;
        }
        /* F2 repeats MOVS/STOS/LODS like F3; it means REPNE only for CMPS/SCAS. */
        if ((ff & X86_FF_REP) && rep)
            flags |= (rep == 3 && (kind == MMIOEMU_KIND_CMPS || kind == MMIOEMU_KIND_SCAS))
                         ? MMIOEMU_F_REPNE
                         : MMIOEMU_F_REP;
    }
    /* CET: 3E on an indirect near CALL/JMP is NOTRACK, not a segment override. */
    if ((ff & X86_FF_NOTRACK) && seg == MMIOEMU_SEG_DS)
        seg = MMIOEMU_SEG_NONE;
    if (seg != MMIOEMU_SEG_NONE) {
        out->mem.seg = (uint8_t)seg;
        flags |= MMIOEMU_F_SEG_OVR;
    } else {
        out->mem.seg = (uint8_t)dseg;
    }

    /* Immediate value, extended as the CPU does (SDM: imm8/imm32 sign-extended). */
    if (ff & X86_FF_IMM) {
        uint64_t v = mm_load_le(code + i, ilen);
        out->imm = imm_rule == X86_IMM_IBZ ? (int64_t)v : (int64_t)mm_sext(v, ilen);
        flags |= MMIOEMU_F_IMM;
    }

    /* Data register: byte registers 4..7 are AH..BH without REX (SDM 3.7.2.1). */
    unsigned reg = MMIOEMU_REG_NONE, r3 = ((modrm >> 3) & 7) | ((rex & 4) << 1);
    switch (f->reg) {
    case X86_R_R:
        reg = r3;
        if ((kind == MMIOEMU_KIND_MOVDIR64B ? asz : dst) == 1 && !rex && r3 >= 4)
            reg = MMIOEMU_REG_AH + r3 - 4;
        break;
    case X86_R_V: reg = MMIOEMU_REG_V0 + (r3 | (vx.rr << 4)); break;
    case X86_R_A: reg = MMIOEMU_REG_RAX; break;
    default: break;
    }
    if (vx.evex && vx.aaa && kind != MMIOEMU_KIND_NONE)
        kind = MMIOEMU_KIND_OTHER; /* masked EVEX access: not a plain move */

    unsigned ext = MMIOEMU_EXT_NONE;
    if (kind == MMIOEMU_KIND_READ || kind == MMIOEMU_KIND_LODS ||
        kind == MMIOEMU_KIND_ALU_READ || kind == MMIOEMU_KIND_XCHG) {
        unsigned byd = dst >= 4 ? MMIOEMU_EXT_ZERO : MMIOEMU_EXT_MERGE;
        switch (f->ext) {
        case X86_E_Z: ext = dst > size ? MMIOEMU_EXT_ZERO : byd; break;
        case X86_E_S: ext = dst > size ? MMIOEMU_EXT_SIGN : byd; break;
        case X86_E_M: ext = MMIOEMU_EXT_MERGE; break;
        default: ext = byd; break;
        }
        if (flags & MMIOEMU_F_VEX)
            ext = MMIOEMU_EXT_ZERO;
    }
    out->flags = flags;
    out->size = (uint16_t)size;
    out->kind = (uint8_t)kind;
    out->op = (uint8_t)((ff & X86_FF_GRPOP) ? (modrm >> 3) & 7 : f->op);
    out->reg = (uint8_t)reg;
    out->reg2 = MMIOEMU_REG_NONE;
    out->dst_size = (uint8_t)dst;
    out->ext = (uint8_t)ext;
    return MMIOEMU_OK;

truncated:
    if (need > 15)
        return MMIOEMU_ERR_INVALID;
    out->length = (uint8_t)need;
    return MMIOEMU_ERR_TRUNCATED;
}

const char *x86_form_mnemonic(uint16_t id)
{
    if (id >= X86_FORM_COUNT)
        return "?";
    return x86_mnem_text + x86_mnem_offs[x86_forms[id].mnem];
}
