/* Native x86 decoder entry: one straight-line pass for the common legacy
 * forms (maps 1B/0F/0F38/0F3A, 32/64-bit addressing, ModRM memory operands).
 * Anything else - VEX/EVEX/XOP, 3DNow!, 16-bit addressing, strings, moffs,
 * "rare" forms, invalid or truncated bytes - goes to x86_decode_general(),
 * which decodes from the start; both give the same result for every input. */
#include "x86_decode.h"

#include "x86_tables.gen.h"

/* Prefix classes (SDM Vol. 2A 2.1.1, 2.2.1), one table per "64-bit mode":
 * low 3 bits the segment. REX exists only in 64-bit mode, where ES/CS/SS/DS
 * overrides are ignored (SDM Vol. 1 3.3.7.1) but still end a REX. */
enum {
    C_SEG = 0x08, C_66 = 0x10, C_67 = 0x20, C_LOCK = 0x40, C_REP = 0x80, C_F2 = 0x100,
    C_REX = 0x200, C_IGN = 0x400
};
#define X86_PCLASS_COMMON                                                                         \
    [0x64] = C_SEG | MMIOEMU_SEG_FS, [0x65] = C_SEG | MMIOEMU_SEG_GS, [0x66] = C_66,              \
    [0x67] = C_67, [0xf0] = C_LOCK, [0xf2] = C_REP | C_F2, [0xf3] = C_REP
static const uint16_t x86_pclass[2][256] = {
    {X86_PCLASS_COMMON, [0x26] = C_SEG | MMIOEMU_SEG_ES, [0x2e] = C_SEG | MMIOEMU_SEG_CS,
     [0x36] = C_SEG | MMIOEMU_SEG_SS, [0x3e] = C_SEG | MMIOEMU_SEG_DS},
    {X86_PCLASS_COMMON, [0x26] = C_IGN, [0x2e] = C_IGN, [0x36] = C_IGN, [0x3e] = C_IGN,
     [0x40] = C_REX, [0x41] = C_REX, [0x42] = C_REX, [0x43] = C_REX, [0x44] = C_REX,
     [0x45] = C_REX, [0x46] = C_REX, [0x47] = C_REX, [0x48] = C_REX, [0x49] = C_REX,
     [0x4a] = C_REX, [0x4b] = C_REX, [0x4c] = C_REX, [0x4d] = C_REX, [0x4e] = C_REX,
     [0x4f] = C_REX},
};

/* Address size by mode and 67 (SDM Vol. 1 3.6.1). */
static const uint8_t x86_asz_of[3][2] = {{2, 4}, {4, 2}, {8, 4}};

/* Immediate bytes by [64-bit mode][X86_IMM_*][operand size 2/4/8 >> 2]. Near
 * branches (jz) ignore 66 in 64-bit mode (Intel); moffs never gets here. */
#define X86_ILEN_COMMON                                                                           \
    [X86_IMM_IB] = {1, 1, 1}, [X86_IMM_IW] = {2, 2, 2}, [X86_IMM_IZ] = {2, 4, 4},                 \
    [X86_IMM_IV] = {2, 4, 8}, [X86_IMM_IWB] = {3, 3, 3}, [X86_IMM_AP] = {4, 6, 6},                \
    [X86_IMM_JB] = {1, 1, 1}, [X86_IMM_IBZ] = {1, 1, 1}, [X86_IMM_IBB] = {2, 2, 2},               \
    [X86_IMM_ID] = {4, 4, 4}
static const uint8_t x86_ilen[2][16][3] = {
    {X86_ILEN_COMMON, [X86_IMM_JZ] = {2, 4, 4}},
    {X86_ILEN_COMMON, [X86_IMM_JZ] = {4, 4, 4}},
};

/* Sign bit and mask of an n-byte value, n = 0..4. */
static const uint32_t x86_sbit4[5] = {0, 0x80, 0x8000, 0x800000, 0x80000000};
static const uint32_t x86_mask4[5] = {0, 0xff, 0xffff, 0xffffff, 0xffffffff};

/* Little-endian bytes code[p..p+3] (p < len), those at or past len read as
 * code[len-1]: only the low n bytes (all before len) are used. */
static inline uint32_t x86_le32(const uint8_t *code, size_t p, size_t len)
{
    if (p + 4 <= len)
        return (uint32_t)code[p] | (uint32_t)code[p + 1] << 8 | (uint32_t)code[p + 2] << 16 |
               (uint32_t)code[p + 3] << 24;
    size_t l = len - 1, a1 = p + 1 < l ? p + 1 : l, a2 = p + 2 < l ? p + 2 : l;
    return (uint32_t)code[p < l ? p : l] | (uint32_t)code[a1] << 8 | (uint32_t)code[a2] << 16 |
           (uint32_t)code[l] << 24;
}

#define X86_GENERAL() return x86_decode_general(mode, code, len, out)

mmioemu_status x86_decode(mmioemu_mode mode, const uint8_t *code, size_t len, mmioemu_insn *out)
{
    const unsigned is64 = mode == MMIOEMU_X86_64;
    const uint16_t *pclass = x86_pclass[is64];
    if (!len)
        X86_GENERAL();
    size_t i = 0;
    unsigned b = code[0], c = pclass[b], rex = 0, pfx = 0, rep = 0, seg = MMIOEMU_SEG_NONE;
    /* Legacy prefixes in any order, then a REX that counts only when it is
     * last; the last segment override and the last of F2/F3 win. */
    while (c) {
        if (c & C_REX) {
            rex = b;
        } else {
            rex = 0;
            pfx |= c;
            if (c & C_SEG)
                seg = c & 7;
            if (c & C_REP)
                rep = (c & C_F2) ? 3 : 2;
        }
        if (++i >= len || i >= 15)
            X86_GENERAL(); /* truncated or too long */
        b = code[i];
        c = pclass[b];
    }
    const unsigned rexw = (rex >> 3) & 1, p66 = (pfx & C_66) != 0, lock = pfx & C_LOCK;
    const unsigned asz = x86_asz_of[mode][(pfx & C_67) != 0];
    if (asz == 2)
        X86_GENERAL(); /* 16-bit addressing */
    const unsigned psel = rep ? rep : p66;

    /* Opcode (0F, 0F 38, 0F 3A maps); C4/C5/62/8F may start VEX/EVEX/XOP. */
    uint32_t ow = x86_opw[0][b];
    i++;
    if (ow & X86_OPW_ESC) {
        if (b != 0x0f || i >= len)
            X86_GENERAL();
        b = code[i++];
        ow = x86_opw[1][b];
        if (ow & X86_OPW_ESC) {
            if (i >= len)
                X86_GENERAL();
            ow = x86_opw[b == 0x38 ? 2 : 3][code[i++]];
        }
    }
    if (i >= len)
        X86_GENERAL(); /* no byte after the opcode: maybe truncated */

    /* Group -> form by (64-bit mode, W, mandatory prefix, mod==3, reg). */
    unsigned modrm = code[i], mi = x86_modrm32[modrm];
    unsigned key = X86_KEY(is64, rexw, psel, 0u, 0u) | X86_MRM_KEY(mi);
    unsigned fid = x86_group_forms[X86_OPW_BASE(ow) + x86_key_slot[X86_OPW_PATTERN(ow)][key]];
    const x86_form *f = &x86_forms[fid];
    unsigned fast = f->fast;
    if (fast & (X86_FAST_IMPL | (is64 ? X86_FAST_BAD64 : X86_FAST_BAD32)))
        X86_GENERAL();
    const uint32_t ff = f->flags;
    const unsigned osz = x86_osz_of[x86_osz_index(mode, rexw, p66) + ((fast >> X86_FAST_OSZ_SHIFT) & 7)];

    /* ModRM, SIB, displacement (SDM Vol. 2A Tables 2-2, 2-3, 2.2.1.6). */
    unsigned mem = 0, dlen = 0, base = MMIOEMU_REG_NONE, index = MMIOEMU_REG_NONE, shift = 0;
    unsigned dseg = MMIOEMU_SEG_DS;
    if (ff & X86_FF_MODRM) {
        i++;
        if (modrm >= 0xc0) {
            if ((ff & X86_FF_MEMONLY) || !((f->rmmask >> (modrm & 7)) & 1))
                X86_GENERAL();
        } else {
            if (ff & X86_FF_REGONLY)
                X86_GENERAL();
            mem = 1;
            dlen = X86_MRM_DLEN(mi);
            unsigned bb = modrm & 7;
            if (mi & X86_MRM_SIB) {
                if (i >= len)
                    X86_GENERAL();
                unsigned sib = code[i++], ix = ((sib >> 3) & 7) | ((rex & 2) << 2);
                index = ix == 4 ? MMIOEMU_REG_NONE : ix;
                shift = sib >> 6;
                bb = sib & 7;
                if (bb == 5 && modrm < 0x40) {
                    dlen = 4;
                    bb = MMIOEMU_REG_NONE;
                }
            } else if (mi & X86_MRM_NOBASE) {
                if (is64 && !(f->rmmask & 0x20))
                    X86_GENERAL(); /* "norip" forms (MPX mib): #UD */
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
    size_t dpos = i;
    i += dlen;
    const unsigned imm_rule = f->imm, ilen = x86_ilen[is64][imm_rule][osz >> 2];
    const size_t total = i + ilen;
    if (total > 15 || total > len || (lock && (!(ff & X86_FF_LOCK) || !mem)))
        X86_GENERAL(); /* too long, truncated, or LOCK #UD (SDM Vol. 2A LOCK) */

    out->mode = (uint8_t)mode;
    out->length = (uint8_t)total;
    out->id = (uint16_t)fid;
    unsigned kind = f->kind;
    if (!kind || !mem) {
        out->kind = MMIOEMU_KIND_NONE;
        out->flags = 0;
        return MMIOEMU_ERR_NO_MEMORY_OPERAND;
    }

    /* Sizes and extension: one table index, chosen by the form's selector. */
    unsigned sels = (osz >> 2) << (2 * X86_SEL_OSZ) | (asz >> 2) << (2 * X86_SEL_ASZ) |
                    rexw << (2 * X86_SEL_W) | (unsigned)mode << (2 * X86_SEL_MODE);
    unsigned si = (sels >> (2 * f->szsel)) & 3;
    unsigned size = f->sz[si], dst = f->dsz[si], ext = (f->ext3 >> (2 * si)) & 3;

    out->mem.addr_size = (uint8_t)asz;
    out->mem.index_ext = MMIOEMU_IDX_LSL;
    uint32_t d = x86_le32(code, dpos, len) & x86_mask4[dlen];
    out->mem.disp = (int64_t)(int32_t)((d ^ x86_sbit4[dlen]) - x86_sbit4[dlen]);
    out->mem.base = (uint8_t)base;
    out->mem.index = (uint8_t)index;
    out->mem.shift = (uint8_t)shift;
    out->mem.seg = (uint8_t)(seg != MMIOEMU_SEG_NONE ? seg : dseg);
    uint32_t flags = (ff & X86_FF_COPY) | (lock ? MMIOEMU_F_LOCK : 0) |
                     (seg != MMIOEMU_SEG_NONE ? MMIOEMU_F_SEG_OVR : 0);

    /* Immediate value (F_IMM forms: imm8/16/32), extended as the CPU does. */
    if (ff & X86_FF_IMM) {
        uint32_t v = x86_le32(code, i, len) & x86_mask4[ilen];
        out->imm = imm_rule == X86_IMM_IBZ
                       ? (int64_t)v
                       : (int64_t)(int32_t)((v ^ x86_sbit4[ilen]) - x86_sbit4[ilen]);
    }

    /* Data register: byte registers 4..7 are AH..BH without REX (SDM 3.7.2.1). */
    unsigned r3 = ((modrm >> 3) & 7) | ((rex & 4) << 1);
    unsigned reg = f->reg == X86_R_R ? ((dst == 1 && !rex && r3 >= 4) ? MMIOEMU_REG_AH + r3 - 4 : r3)
                   : f->reg == X86_R_V ? MMIOEMU_REG_V0 + r3
                   : f->reg == X86_R_A ? MMIOEMU_REG_RAX
                                       : MMIOEMU_REG_NONE;
    out->flags = flags;
    out->size = (uint16_t)size;
    out->kind = (uint8_t)kind;
    out->op = (uint8_t)(f->op == 0xfe ? (modrm >> 3) & 7 : f->op);
    out->reg = (uint8_t)reg;
    out->reg2 = MMIOEMU_REG_NONE;
    out->dst_size = (uint8_t)dst;
    out->ext = (uint8_t)ext;
    return MMIOEMU_OK;
}
