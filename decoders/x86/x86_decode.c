/* Native x86 decoder, general path: bytes -> mmioemu_insn for every encoding
 * in 16/32/64-bit modes (VEX/EVEX/XOP, 3DNow!, 16-bit addressing, moffs,
 * truncation and invalid encodings). x86_fast.c finishes the common legacy
 * forms itself and hands everything else here. Driven by the tables generated
 * from x86_forms.spec; it never reads code[i] for i >= len and never writes
 * fields the kind does not define. */
#include "x86_decode.h"

#include "../../lib/bytes.h"
#include "x86_tables.gen.h"
#include "x86_vex.h"

_Static_assert((unsigned)X86_FF_IMM == (unsigned)MMIOEMU_F_IMM &&
                   (unsigned)X86_FF_MEMSRC == (unsigned)MMIOEMU_F_MEM_SRC &&
                   (unsigned)X86_FF_BSWAP == (unsigned)MMIOEMU_F_BSWAP &&
                   (unsigned)X86_FF_NT == (unsigned)MMIOEMU_F_NT &&
                   (unsigned)X86_FF_AL == (unsigned)MMIOEMU_F_ALIGNED &&
                   (unsigned)X86_FF_DIR == (unsigned)MMIOEMU_F_DIRECT,
               "copied flag bits line up with MMIOEMU_F_*");
_Static_assert((int)X86_K_OTHER == (int)MMIOEMU_KIND_OTHER &&
                   (int)X86_K_M64B == (int)MMIOEMU_KIND_MOVDIR64B &&
                   (int)X86_K_RMW == (int)MMIOEMU_KIND_ALU_RMW &&
                   (int)X86_K_FLUSH == (int)MMIOEMU_KIND_FLUSH,
               "spec kind codes follow mmioemu_kind");

/* Legacy prefix classes (SDM Vol. 2A 2.1.1): low 3 bits carry the segment number. */
enum { P_NONE = 0, P_SEG = 0x08, P_66 = 0x10, P_67 = 0x20, P_LOCK = 0x40, P_REP = 0x80 };

static const uint8_t x86_prefix[256] = {
    [0x26] = P_SEG | MMIOEMU_SEG_ES,
    [0x2e] = P_SEG | MMIOEMU_SEG_CS,
    [0x36] = P_SEG | MMIOEMU_SEG_SS,
    [0x3e] = P_SEG | MMIOEMU_SEG_DS,
    [0x64] = P_SEG | MMIOEMU_SEG_FS,
    [0x65] = P_SEG | MMIOEMU_SEG_GS,
    [0x66] = P_66,
    [0x67] = P_67,
    [0xf0] = P_LOCK,
    [0xf2] = P_REP,
    [0xf3] = P_REP,
};

/* SDM Vol. 2A Table 2-1: 16-bit ModRM base/index by rm. */
static const uint8_t x86_rm16_base[8] = {MMIOEMU_REG_RBX, MMIOEMU_REG_RBX, MMIOEMU_REG_RBP,
                                         MMIOEMU_REG_RBP, MMIOEMU_REG_RSI, MMIOEMU_REG_RDI,
                                         MMIOEMU_REG_RBP, MMIOEMU_REG_RBX};
static const uint8_t x86_rm16_index[8] = {MMIOEMU_REG_RSI,  MMIOEMU_REG_RDI,  MMIOEMU_REG_RSI,
                                          MMIOEMU_REG_RDI,  MMIOEMU_REG_NONE, MMIOEMU_REG_NONE,
                                          MMIOEMU_REG_NONE, MMIOEMU_REG_NONE};

/* Immediate bytes by X86_IMM_* for operand size 2/4/8 (index osz>>2: 0,1,2). */
static const uint8_t x86_imm_len[13][3] = {
    [X86_IMM_IB] = {1, 1, 1},  [X86_IMM_IW] = {2, 2, 2},  [X86_IMM_IZ] = {2, 4, 4},
    [X86_IMM_IV] = {2, 4, 8},  [X86_IMM_IWB] = {3, 3, 3}, [X86_IMM_AP] = {4, 6, 6},
    [X86_IMM_JB] = {1, 1, 1},  [X86_IMM_JZ] = {2, 4, 4},  [X86_IMM_IBZ] = {1, 1, 1},
    [X86_IMM_IBB] = {2, 2, 2}, [X86_IMM_ID] = {4, 4, 4},
};

/* Displacement bytes by ModRM.mod (SDM Vol. 2A Tables 2-1 and 2-2). */
static const uint8_t x86_dlen16[4] = {0, 1, 2, 0};
static const uint8_t x86_dlen32[4] = {0, 1, 4, 0};

/* Checks of the few forms flagged "rare" (SDM 2A MOV CR/DR, AVX-512 k
 * registers, MPX, VSIB): kept out of the common path. May force mod to 3. */
static inline int x86_rare_invalid(uint32_t ff, unsigned modrm, unsigned rex, unsigned asz,
                                   unsigned *mod)
{
    if ((ff & (X86_FF_CR | X86_FF_DR)) == (X86_FF_CR | X86_FF_DR))
        return *mod == 3 || (modrm & 7) != 4 || asz == 2; /* AMX sibmem: SIB required */
    if (ff & X86_FF_MODREG)
        *mod = 3; /* MOV CR/DR ignore mod */
    if (ff & (X86_FF_CR | X86_FF_DR)) {
        /* CR0, CR2-CR4 and CR8 (REX.R) exist; DR8-DR15 do not (SDM 3A 2.5, 17.2). */
        unsigned r = ((modrm >> 3) & 7) | ((rex & 4) << 1);
        if ((ff & X86_FF_CR) ? !((0x11du >> r) & 1) : r > 7)
            return 1;
    }
    if ((ff & X86_FF_VSIB) && (*mod == 3 || (modrm & 7) != 4 || asz == 2))
        return 1; /* VSIB needs a SIB byte (SDM 2.3.12) */
    return 0;
}

/* Sign bit of an n-byte value, n = 0..8, for (v ^ m) - m sign extension. */
static const uint64_t x86_sbit[9] = {0,
                                     0x80,
                                     0x8000,
                                     0x800000,
                                     0x80000000,
                                     0x8000000000,
                                     0x800000000000,
                                     0x80000000000000,
                                     0x8000000000000000};

#define X86_NEED(n)                                                                                \
    do {                                                                                           \
        if ((n) > len) {                                                                           \
            need = (n);                                                                            \
            goto truncated;                                                                        \
        }                                                                                          \
    } while (0)

/* What the prefix scan found. Passed by value into the always-inlined body. */
typedef struct x86_pfx {
    unsigned rex, seg, p66, p67, lock, rep;
} x86_pfx;

/* Little-endian 4-byte window at code[p..], each index clamped to `last`
 * (the last byte of the instruction: never at or past len), masked to n bytes. */
static inline uint64_t x86_le4(const uint8_t *code, size_t p, unsigned n, size_t last)
{
    static const uint32_t mask[5] = {0, 0xff, 0xffff, 0xffffff, 0xffffffff};
    size_t a1 = p + 1 < last ? p + 1 : last, a2 = p + 2 < last ? p + 2 : last;
    size_t a3 = p + 3 < last ? p + 3 : last, a0 = p < last ? p : last;
    uint32_t v = (uint32_t)code[a0] | (uint32_t)code[a1] << 8 | (uint32_t)code[a2] << 16 |
                 (uint32_t)code[a3] << 24;
    return v & mask[n];
}

/* Everything after the opcode byte: group -> form, ModRM/SIB/displacement,
 * immediate, validity, descriptor. Instantiated twice with a constant
 * `vexpath`: the legacy instance carries no VEX/EVEX code at all. */
static inline __attribute__((always_inline)) mmioemu_status
x86_body(const int vexpath, mmioemu_mode mode, const uint8_t *code, size_t len, mmioemu_insn *out,
         size_t i, unsigned map, unsigned b, unsigned psel, x86_pfx pf, const x86_vex_state *vx)
{
    const unsigned is64 = mode == MMIOEMU_X86_64, is16 = mode == MMIOEMU_X86_16;
    const unsigned evex = vexpath ? vx->evex : 0, vexw = vexpath ? vx->w : pf.rex >> 3;
    const unsigned rex = pf.rex, lock = pf.lock;
    unsigned seg = pf.seg;
    size_t need;

    /* Opcode -> group -> form. The ModRM byte is fetched before we know whether
     * the form has one (only if it exists) so that the group slot is plain
     * arithmetic; only groups that select on it insist on it. */
    unsigned have = i < len, modrm = have ? code[i] : 0, fid;
    const x86_group *g = &x86_groups[x86_maps[map][b]];
    if (g->modrm && !have) {
        need = i + 1;
        goto truncated;
    }
    unsigned key = X86_KEY(is64, vexw & 1, psel, (modrm >> 6) == 3, (modrm >> 3) & 7);
    fid = x86_group_forms[g->base + x86_key_slot[g->pattern][key]];
    if (!fid)
        return MMIOEMU_ERR_INVALID;
    const x86_form *f = &x86_forms[fid];
    uint32_t ff = f->flags;
    if (ff & (is64 ? X86_FF_I64 : X86_FF_O64))
        return MMIOEMU_ERR_INVALID;
    if (vexpath && x86_vex_invalid(ff, vx, is64))
        return MMIOEMU_ERR_INVALID;

    /* Operand and address size (SDM Vol. 1 3.6.1, Vol. 2A 2.2.1.2). */
    unsigned osz, asz, o66 = pf.p66 && !(ff & X86_FF_M66);
    if (is64) {
        osz = (rex & 8) ? 8 : (ff & X86_FF_F64) ? 8 : o66 ? 2 : (ff & X86_FF_D64) ? 8 : 4;
        asz = pf.p67 ? 4 : 8;
    } else {
        osz = (is16 ^ !!o66) ? 2 : 4;
        asz = (is16 ^ !!pf.p67) ? 2 : 4;
    }

    unsigned mem = 0, mod = 3, rm = 0, dlen = 0;
    unsigned base = MMIOEMU_REG_NONE, index = MMIOEMU_REG_NONE, shift = 0, dseg = MMIOEMU_SEG_DS;
    if (ff & X86_FF_MODRM) {
        if (!have) {
            need = i + 1;
            goto truncated;
        }
        i++;
        mod = modrm >> 6;
        rm = modrm & 7;
        if ((ff & X86_FF_RARE) && x86_rare_invalid(ff, modrm, rex, asz, &mod))
            return MMIOEMU_ERR_INVALID;
        if (mod == 3) {
            if ((ff & X86_FF_MEMONLY) || !((f->rmmask >> rm) & 1))
                return MMIOEMU_ERR_INVALID;
        } else {
            if (ff & X86_FF_REGONLY)
                return MMIOEMU_ERR_INVALID;
            mem = 1;
            if (asz == 2) {
                /* SDM Vol. 2A Table 2-1: 16-bit addressing (#UD for MPX, SDM 1 17.3). */
                if (ff & X86_FF_MPX)
                    return MMIOEMU_ERR_INVALID;
                dlen = x86_dlen16[mod];
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
                dlen = x86_dlen32[mod];
                if (rm == 4) {
                    X86_NEED(i + 1);
                    unsigned sib = code[i++];
                    unsigned ix = ((sib >> 3) & 7) | ((rex & 2) << 2);
                    index = ix == 4 ? MMIOEMU_REG_NONE : ix;
                    if (vexpath && (ff & X86_FF_VSIB)) /* SDM 2.3.12: a vector index */
                        index = MMIOEMU_REG_V0 + (ix | (evex && is64 ? vx->vvvv & 16 : 0));
                    shift = sib >> 6;
                    bb = sib & 7;
                    if (bb == 5 && mod == 0) {
                        dlen = 4;
                        bb = MMIOEMU_REG_NONE;
                    }
                } else if (rm == 5 && mod == 0) {
                    if (is64 && !(f->rmmask & 0x20))
                        return MMIOEMU_ERR_INVALID; /* "norip" forms (MPX mib): #UD */
                    dlen = 4;
                    bb = is64 ? MMIOEMU_REG_RIP : MMIOEMU_REG_NONE;
                }
                if (bb < 8) {
                    bb |= (rex & 1) << 3;
                    if (bb == 4 || bb == 5)
                        dseg = MMIOEMU_SEG_SS; /* rSP/rBP base: SS (SDM Vol. 1 3.7.4) */
                }
                base = bb;
            }
        }
    }
    size_t dpos = i;
    i += dlen;

    /* Immediate; 3DNow! puts its opcode where the immediate would be. */
    unsigned imm_rule = f->imm, ilen;
    ilen = imm_rule == X86_IMM_MO ? asz : x86_imm_len[imm_rule][osz >> 2];
    if (imm_rule == X86_IMM_JZ && is64)
        ilen = 4; /* near branches ignore 66 in 64-bit mode (Intel) */
    size_t total = i + ilen;
    if (total > 15)
        return MMIOEMU_ERR_INVALID;
    X86_NEED(total);
    if (!vexpath && fid == X86_FORM_3DNOW) {
        fid = x86_group_forms[x86_groups[x86_maps[X86_MAP_3DN][code[i]]].base];
        if (!fid)
            return MMIOEMU_ERR_INVALID;
        f = &x86_forms[fid];
        ff = f->flags;
    }
    if (evex && x86_evex_invalid(ff, vx, mem))
        return MMIOEMU_ERR_INVALID;
    if (lock && (!(ff & X86_FF_LOCK) || !mem))
        return MMIOEMU_ERR_INVALID; /* SDM Vol. 2A LOCK: #UD otherwise */

    out->mode = (uint8_t)mode;
    out->length = (uint8_t)total;
    out->id = (uint16_t)fid;
    unsigned kind = f->kind;
    /* MASKMOVQ/MASKMOVDQU: a register form whose memory operand is DS:[rDI]. */
    unsigned implicit = f->reg == X86_R_DI;
    if (!kind || (!mem && (ff & X86_FF_MODRM) && !implicit)) {
        out->kind = MMIOEMU_KIND_NONE;
        out->flags = 0;
        return MMIOEMU_ERR_NO_MEMORY_OPERAND;
    }

    uint32_t flags = (ff & X86_FF_COPY) | (lock ? MMIOEMU_F_LOCK : 0);
    if (vexpath)
        flags |= evex ? MMIOEMU_F_VEX | MMIOEMU_F_EVEX : MMIOEMU_F_VEX;

    /* Sizes and extension: one table index, chosen by the form's selector. */
    unsigned vl = vexpath ? vx->vl : 16;
    unsigned sels = (osz >> 2) << (2 * X86_SEL_OSZ) | (vl >> 5) << (2 * X86_SEL_VL) |
                    (asz >> 2) << (2 * X86_SEL_ASZ) | (vexw & 1) << (2 * X86_SEL_W) |
                    (unsigned)mode << (2 * X86_SEL_MODE);
    unsigned si = (sels >> (2 * f->szsel)) & 3;
    unsigned size = f->sz[si], dst = f->dsz[si], ext = (f->ext3 >> (2 * si)) & 3;
    size_t last = total - 1;

    /* Address expression. */
    out->mem.addr_size = (uint8_t)asz;
    out->mem.index_ext = MMIOEMU_IDX_LSL;
    out->mem.reserved[0] = out->mem.reserved[1] = 0; /* as arm64; the fast path stores 8 bytes */
    if ((ff & X86_FF_MODRM) && !implicit) {
        int64_t disp =
            (int64_t)((x86_le4(code, dpos, dlen, last) ^ x86_sbit[dlen]) - x86_sbit[dlen]);
        if (evex) {
            /* SDM 2.7.5 disp8*N: N is the memory operand size, or the element size
             * with a broadcast (FP16 maps 5/6 and np map-3 forms: 2 bytes). */
            unsigned elem =
                (map == X86_MAP_E5 || map == X86_MAP_E6 || (map == X86_MAP_E3 && psel == 0))
                    ? 2
                    : (vexw ? 8 : 4);
            if (map == X86_MAP_E6 && ((b & 0xfe) == 0x56 || (b & 0xfe) == 0xd6))
                elem = 4; /* complex FP16 (VF[C]MADDC/VF[C]MULC): one pair */
            if (vx->b)
                size = elem; /* a broadcast reads one element */
            if (dlen == 1)
                disp *= (int64_t)(size ? size : 1);
        }
        out->mem.disp = disp;
        out->mem.base = (uint8_t)base;
        out->mem.index = (uint8_t)index;
        out->mem.shift = (uint8_t)shift;
    } else if (imm_rule == X86_IMM_MO) {
        /* moffs: zero-extended offset of address size (SDM 2B MOV) */
        uint64_t lo = x86_le4(code, i, ilen < 4 ? ilen : 4, last);
        uint64_t hi = ilen > 4 ? x86_le4(code, i + 4, ilen - 4, last) : 0;
        out->mem.disp = (int64_t)(lo | hi << 32);
        out->mem.base = MMIOEMU_REG_NONE;
        out->mem.index = MMIOEMU_REG_NONE;
        out->mem.shift = 0;
    } else {
        /* String forms: [seg:rSI] source, ES:[rDI] destination (SDM Vol. 1 7.3.9). */
        unsigned dsti = kind == MMIOEMU_KIND_STOS || kind == MMIOEMU_KIND_SCAS ||
                        (kind == MMIOEMU_KIND_OTHER && map == X86_MAP_1B && (b & 0xfe) == 0x6c);
        out->mem.disp = 0;
        out->mem.base = map == X86_MAP_1B && b == 0xd7 ? MMIOEMU_REG_RBX
                        : (dsti || implicit)           ? MMIOEMU_REG_RDI
                                                       : MMIOEMU_REG_RSI;
        out->mem.index = MMIOEMU_REG_NONE;
        out->mem.shift = 0;
        if (dsti) {
            seg = MMIOEMU_SEG_NONE;
            dseg = MMIOEMU_SEG_ES;
        }
        /* F2 repeats MOVS/STOS/LODS like F3; it means REPNE only for CMPS/SCAS. */
        if ((ff & X86_FF_REP) && pf.rep)
            flags |= (pf.rep == 3 && (kind == MMIOEMU_KIND_CMPS || kind == MMIOEMU_KIND_SCAS))
                         ? MMIOEMU_F_REPNE
                         : MMIOEMU_F_REP;
    }
    /* CET: 3E on an indirect near CALL/JMP is NOTRACK, not a segment override. */
    if ((ff & X86_FF_RARE) && (ff & X86_FF_NOTRACK) && seg == MMIOEMU_SEG_DS)
        seg = MMIOEMU_SEG_NONE;
    out->mem.seg = (uint8_t)(seg != MMIOEMU_SEG_NONE ? seg : dseg);
    flags |= seg != MMIOEMU_SEG_NONE ? MMIOEMU_F_SEG_OVR : 0;

    /* Immediate value (F_IMM forms: imm8/16/32), extended as the CPU does. */
    if (ff & X86_FF_IMM) {
        uint64_t v = x86_le4(code, i, ilen, last);
        out->imm =
            imm_rule == X86_IMM_IBZ ? (int64_t)v : (int64_t)((v ^ x86_sbit[ilen]) - x86_sbit[ilen]);
    }

    /* Data register: byte registers 4..7 are AH..BH without REX (SDM 3.7.2.1). */
    unsigned r3 = ((modrm >> 3) & 7) | ((rex & 4) << 1);
    unsigned reg = f->reg == X86_R_R
                       ? ((dst == 1 && !rex && r3 >= 4) ? MMIOEMU_REG_AH + r3 - 4 : r3)
                   : f->reg == X86_R_V ? MMIOEMU_REG_V0 + (r3 | ((vexpath ? vx->rr : 0u) << 4))
                   : f->reg == X86_R_A ? MMIOEMU_REG_RAX
                                       : MMIOEMU_REG_NONE;
    if (evex && vx->aaa)
        kind = MMIOEMU_KIND_OTHER; /* masked EVEX access: not a plain move */

    out->flags = flags;
    out->size = (uint16_t)size;
    out->kind = (uint8_t)kind;
    out->op = (uint8_t)(f->op == 0xfe ? (modrm >> 3) & 7 : f->op);
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

/* VEX / EVEX / XOP: parse the prefix at code[i] (after the C4/C5/62/8F byte)
 * and run the body with the vector fields. Out of line so the legacy path
 * stays free of it; x86_decode() calls it beside the other stages (the
 * escape byte and the prefix state come packed in one word). */
__attribute__((noinline)) mmioemu_status x86_decode_vex(mmioemu_mode mode, const uint8_t *code,
                                                        size_t len, mmioemu_insn *out, size_t i,
                                                        uint32_t packed)
{
    const unsigned is64 = mode == MMIOEMU_X86_64, esc = packed & 0xff;
    x86_pfx pf = {(packed >> 8) & 0xff, (packed >> 16) & 0xff, (packed >> 24) & 1,
                  (packed >> 25) & 1,   (packed >> 26) & 1,    (packed >> 27) & 3};
    x86_vex_state vx = {0};
    size_t need;
    int r = x86_vex(esc, code, len, &i, is64, &vx);
    if (r < 0) {
        need = (size_t)-r;
        goto truncated;
    }
    /* SDM 2.3.2: VEX/EVEX/XOP after 66, F2, F3, LOCK or REX is #UD. */
    if (r || (pf.p66 | pf.rep | pf.lock | pf.rex))
        return MMIOEMU_ERR_INVALID;
    vx.vraw = vx.vvvv;
    if (!is64) {
        if (vx.evex && (vx.vvvv & 16))
            return MMIOEMU_ERR_INVALID; /* EVEX.V' = 0: no v16-v31 outside 64-bit mode */
        vx.rex &= 8;                    /* R/X/B are ignored outside 64-bit mode */
        vx.rr = 0;
        vx.vvvv &= 7;
    }
    pf.rex = 0x40 | vx.rex;
    X86_NEED(i + 1);
    unsigned b = code[i++];
    return x86_body(1, mode, code, len, out, i, vx.map, b, vx.pp, pf, &vx);

truncated:
    if (need > 15)
        return MMIOEMU_ERR_INVALID;
    out->length = (uint8_t)need;
    return MMIOEMU_ERR_TRUNCATED;
}

mmioemu_status x86_decode_general(mmioemu_mode mode, const uint8_t *code, size_t len,
                                  mmioemu_insn *out, x86_next *nx)
{
    const unsigned is64 = mode == MMIOEMU_X86_64;
    size_t i = 0, need;
    unsigned b;
    x86_pfx pf = {0, MMIOEMU_SEG_NONE, 0, 0, 0, 0};

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
                pf.rex = b;
                i++;
                continue;
            }
            break;
        }
        pf.rex = 0;
        i++;
        /* The last segment override wins; in 64-bit mode ES/CS/SS/DS
         * overrides are ignored altogether (SDM Vol. 1 3.3.7.1). */
        if ((c & P_SEG) && !(is64 && (c & 7) < MMIOEMU_SEG_FS))
            pf.seg = c & 7;
        pf.p66 |= c & P_66;
        pf.p67 |= c & P_67;
        pf.lock |= c & P_LOCK;
        if (c & P_REP)
            pf.rep = b == 0xf3 ? 2 : 3; /* the last of F2/F3 wins (mandatory prefix) */
    }
    i++;
    unsigned map = X86_MAP_1B, psel = pf.rep ? pf.rep : (pf.p66 ? 1 : 0);
    if (b == 0x0f) {
        X86_NEED(i + 1);
        b = code[i++];
        map = X86_MAP_0F;
        if (b == 0x38 || b == 0x3a) {
            map = b == 0x38 ? X86_MAP_38 : X86_MAP_3A;
            X86_NEED(i + 1);
            b = code[i++];
        }
    } else if ((b & 0xfe) == 0xc4 || b == 0x62 || b == 0x8f) {
        /* C4/C5 are LES/LDS and 62 is BOUND outside 64-bit mode unless the next
         * byte has mod == 11 (SDM 2.3.5); 8F is POP unless ModRM.reg != 0 (XOP). */
        X86_NEED(i + 1);
        unsigned nb = code[i];
        if (b == 0x8f ? (nb & 0x18) != 0 : (is64 || nb >= 0xc0)) {
            nx->i = i;
            nx->packed = b | pf.rex << 8 | pf.seg << 16 | !!pf.p66 << 24 | !!pf.p67 << 25 |
                         !!pf.lock << 26 | pf.rep << 27;
            return X86_TO_VEX;
        }
    }
    return x86_body(0, mode, code, len, out, i, map, b, psel, pf, 0);

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
