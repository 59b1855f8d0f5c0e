/* Native x86 decoder entry: one straight-line pass for the common forms -
 * maps 1B/0F/0F38/0F3A, VEX, and in 64-bit mode EVEX maps 1-3 without
 * masking, zeroing or broadcast; 32/64-bit addressing; ModRM memory
 * operands; and the implicit-operand forms (strings, moffs A0-A3). The rest
 * of EVEX and XOP go to x86_decode_vex(); anything else - 3DNow!, 16-bit
 * addressing, "rare" forms, invalid or truncated bytes - to
 * x86_decode_general(), which decodes from the start. Same results as the
 * general path alone for every input (tests/test_x86_decode_paths.c).
 * x86_decode() at the end runs these stages one after the other. */
#include <stddef.h>

#include "x86_decode.h"

#include "x86_tables.gen.h"

#include "../../lib/bytes.h"

/* Prefix state (SDM Vol. 2A 2.1.1, 2.2.1), one 16-bit word: bits 0-6 index
 * x86_ctx_of as one array (X86_CTX_INDEX: REX.W, 66, 67, rep; then the
 * mode, set on entry), then REX.R, "REX present" (adjacent: the x86_reg_op
 * column), REX.X, REX.B (adjacent: x86_rex_xor), LOCK, the segment override
 * and "override present" at bit 15 = MMIOEMU_F_SEG_OVR. Each prefix byte's
 * entry keeps (high half) and sets (low half) bits: a REX is dropped by any
 * later prefix, the last segment override and the last of F2/F3 win. One
 * row per mode: REX exists only in 64-bit mode, where ES/CS/SS/DS overrides
 * are ignored (SDM Vol. 1 3.3.7.1) but still end a REX. */
enum {
    S_W = 0x01,
    S_66 = 0x02,
    S_67 = 0x04,
    S_REP = 0x18,
    S_F3 = 0x10,
    S_F2 = 0x18,
    S_MODESHIFT = 5,
    S_64 = 0x40, /* mode bit 1: MMIOEMU_X86_64 */
    S_R = 0x80,
    S_REX = 0x100,
    S_X = 0x200,
    S_B = 0x400,
    S_LOCK = 0x800,
    S_SEGSHIFT = 12,
    S_SEG = 0x8000,
    S_REXBITS = S_W | S_R | S_X | S_B | S_REX
};
_Static_assert((unsigned)S_SEG == (unsigned)MMIOEMU_F_SEG_OVR && (unsigned)MMIOEMU_X86_64 == 2,
               "prefix state bits");
#define E(clr, set) ((uint32_t)(~(clr)&0xffffu) << 16 | (set)) /* bits kept, bits set */
#define E_SEG(s) E(S_REXBITS | S_SEG | 7u << S_SEGSHIFT, S_SEG | (s) << S_SEGSHIFT)
#define E_REX(n)                                                                                   \
    E(S_REXBITS,                                                                                   \
      S_REX | ((n) >> 3 & 1) * S_W | ((n) >> 2 & 1) * S_R | ((n) >> 1 & 1) * S_X | ((n)&1) * S_B)
#define E_COMMON                                                                                   \
    [0x64] = E_SEG(MMIOEMU_SEG_FS), [0x65] = E_SEG(MMIOEMU_SEG_GS), [0x66] = E(S_REXBITS, S_66),   \
    [0x67] = E(S_REXBITS, S_67), [0xf0] = E(S_REXBITS, S_LOCK),                                    \
    [0xf2] = E(S_REXBITS | S_REP, S_F2), [0xf3] = E(S_REXBITS | S_REP, S_F3)
#define E_LEGACY_SEGS                                                                              \
    [0x26] = E_SEG(MMIOEMU_SEG_ES), [0x2e] = E_SEG(MMIOEMU_SEG_CS),                                \
    [0x36] = E_SEG(MMIOEMU_SEG_SS), [0x3e] = E_SEG(MMIOEMU_SEG_DS)
static const uint32_t x86_pfx_edit[3][256] = {
    /* by mmioemu_mode */
    {E_COMMON, E_LEGACY_SEGS},
    {E_COMMON, E_LEGACY_SEGS},
    {E_COMMON,
     [0x26] = E(S_REXBITS, 0),
     [0x2e] = E(S_REXBITS, 0),
     [0x36] = E(S_REXBITS, 0),
     [0x3e] = E(S_REXBITS, 0),
     [0x40] = E_REX(0),
     [0x41] = E_REX(1),
     [0x42] = E_REX(2),
     [0x43] = E_REX(3),
     [0x44] = E_REX(4),
     [0x45] = E_REX(5),
     [0x46] = E_REX(6),
     [0x47] = E_REX(7),
     [0x48] = E_REX(8),
     [0x49] = E_REX(9),
     [0x4a] = E_REX(10),
     [0x4b] = E_REX(11),
     [0x4c] = E_REX(12),
     [0x4d] = E_REX(13),
     [0x4e] = E_REX(14),
     [0x4f] = E_REX(15)},
};

/* Sign bit and mask of an n-byte value, n = 0..4. */
static const uint32_t x86_sbit4[5] = {0, 0x80, 0x8000, 0x800000, 0x80000000};
static const uint32_t x86_mask4[5] = {0, 0xff, 0xffff, 0xffffff, 0xffffffff};

/* Little-endian bytes code[p..p+3] (one load: lib/bytes.h): the fast path
 * reads from a buffer with X86_FAST_PAD readable bytes (x86_decode()), and
 * p + 4 <= 19 there. */
static inline uint32_t x86_le32(const uint8_t *code, size_t p)
{
    return (uint32_t)mm_le32(code + p);
}

/* mmioemu_insn bytes 24..31 (flags, size, id) from one value (x86_lane):
 * the compiler merges the three into one store on either endianness. */
static inline void x86_put_lo(mmioemu_insn *out, uint64_t v)
{
    out->flags = (uint32_t)v;
    out->size = (uint16_t)(v >> 32);
    out->id = (uint16_t)(v >> 48);
}

/* Eight uint8_t fields of *out from byte offset off, byte k = bits 8k+7:8k of
 * v: one 8-byte little-endian store (lib/bytes.h), so it stays one store
 * even where a later store overwrites one of its bytes (out->length). */
static inline void x86_put8(mmioemu_insn *out, size_t off, uint64_t v)
{
    mm_put_le64((uint8_t *)out + off, v);
}
#define X86_OFF_HI offsetof(mmioemu_insn, mode)      /* mode .. ext */
#define X86_OFF_MEM offsetof(mmioemu_insn, mem.base) /* base .. reserved[1] */
_Static_assert(offsetof(mmioemu_insn, ext) == X86_OFF_HI + 7 &&
                   offsetof(mmioemu_insn, length) == X86_OFF_HI + 1 &&
                   offsetof(mmioemu_insn, kind) == X86_OFF_HI + 2 &&
                   offsetof(mmioemu_insn, op) == X86_OFF_HI + 3 &&
                   offsetof(mmioemu_insn, reg) == X86_OFF_HI + 4 &&
                   offsetof(mmioemu_insn, reg2) == X86_OFF_HI + 5 &&
                   offsetof(mmioemu_insn, dst_size) == X86_OFF_HI + 6 &&
                   offsetof(mmioemu_insn, mem.index) == X86_OFF_MEM + 1 &&
                   offsetof(mmioemu_insn, mem.shift) == X86_OFF_MEM + 2 &&
                   offsetof(mmioemu_insn, mem.seg) == X86_OFF_MEM + 3 &&
                   offsetof(mmioemu_insn, mem.addr_size) == X86_OFF_MEM + 4 &&
                   offsetof(mmioemu_insn, mem.index_ext) == X86_OFF_MEM + 5 &&
                   offsetof(mmioemu_insn, mem.reserved) == X86_OFF_MEM + 6,
               "x86_put8 field order");

/* What REX.X / REX.B ((st >> 9) & 3) let x86_mrm_mem / x86_sib_mem XOR into
 * bytes 8..11: the index byte, the base and segment bytes. */
static const uint32_t x86_rex_xor[4] = {0, 0xff00u, 0xff0000ffu, 0xff00ffffu};

/* The descriptor's lanes (x86_lane) for form fid at size index si, with the
 * data register (and a group-1 op) from ModRM.reg and the prefixes. */
static inline void x86_put_lanes(mmioemu_insn *out, unsigned fid, unsigned si, unsigned st,
                                 unsigned modrm, size_t length, uint64_t flags)
{
    const x86_lane *ln = &x86_lanes[x86_form_lane[fid] + si];
    const uint64_t hi = ln->hi;
    const unsigned rix = ((modrm >> 3) & 7) | ((st >> 4) & 0x18); /* REX.R, REX */
    x86_put8(out, X86_OFF_HI,
             (hi ^ x86_reg_op[(hi >> 32) & 0xff][rix]) | (uint64_t)((st >> S_MODESHIFT) & 3));
    x86_put_lo(out, ln->lo | (uint64_t)fid << 48 | flags);
    /* The length last, by itself: a caller's next decode waits for this
     * byte, and it must not wait for the lanes' loads (store forwarding
     * takes the youngest store). */
    out->length = (uint8_t)length;
}
_Static_assert(S_R >> 4 == 8 && S_REX >> 4 == 16, "x86_reg_op column");

/* The x86_lanes index of a form: its size selector's field of the prefix
 * context (ctx->sels) and the operand size class (x86_osz_of). */
static inline unsigned x86_size_index(const x86_ctx *ctx, const x86_form *f, unsigned fast)
{
    const unsigned sc = x86_osz_of[ctx->osz_row + ((fast >> X86_FAST_OSZ_SHIFT) & 7)];
    return ((ctx->sels | (sc & 3)) >> (2 * f->szsel)) & 3;
}

/* Forms whose memory operand ModRM does not describe: string forms (SDM
 * Vol. 1 7.3.9: [seg:rSI] source, ES:[rDI] destination without override;
 * the opcode ends the instruction) and moffs (SDM Vol. 2B MOV A0-A3: an
 * offset of address size, zero-extended, after the opcode). i is the index
 * after the opcode; the arguments are in *next. X86_TO_GENERAL if it is
 * truncated, too long or LOCKed (#UD), or another implicit form. */
static __attribute__((noinline)) mmioemu_status x86_fast_implicit(x86_next *next, unsigned fid,
                                                                  unsigned st, size_t i)
{
    const x86_ctx *ctx = &x86_ctx_of[st & 127];
    const x86_form *f = &x86_forms[fid];
    const unsigned kind = f->kind, rep = (st & S_REP) >> 3, asz = ctx->asz;
    mmioemu_insn *out = next->out;
    uint32_t flags = st & S_SEG;
    unsigned seg = (st & S_SEG) ? (st >> S_SEGSHIFT) & 7 : MMIOEMU_SEG_DS;
    if (f->imm == X86_IMM_MO) {
        const uint8_t *code = next->code;
        const size_t total = i + asz;
        if (total > 15 || total > next->len || (st & S_LOCK))
            return X86_TO_GENERAL;
        /* code has X86_FAST_PAD readable bytes and i + 8 <= 22 (x86_le32) */
        const uint64_t lo = x86_le32(code, i) & x86_mask4[asz < 4 ? asz : 4];
        out->mem.disp = (int64_t)(lo | (asz == 8 ? (uint64_t)x86_le32(code, i + 4) << 32 : 0));
        x86_put8(out, X86_OFF_MEM,
                 MMIOEMU_REG_NONE | MMIOEMU_REG_NONE << 8 | seg << 24 | (uint64_t)asz << 32);
        x86_put_lanes(out, fid, x86_size_index(ctx, f, f->fast), st, 0, total, flags);
        return MMIOEMU_OK;
    }
    if (!(f->fast & X86_FAST_STR) || (st & S_LOCK) || i > next->len || asz == 2)
        return X86_TO_GENERAL; /* LOCK on a string form is #UD (SDM Vol. 2A LOCK) */
    const unsigned dsti = kind == MMIOEMU_KIND_STOS || kind == MMIOEMU_KIND_SCAS;
    if (dsti) {
        seg = MMIOEMU_SEG_ES;
        flags = 0;
    }
    /* F2 repeats MOVS/STOS/LODS like F3; it means REPNE only for CMPS/SCAS. */
    if ((f->flags & X86_FF_REP) && rep)
        flags |= (rep == 3 && (kind == MMIOEMU_KIND_CMPS || kind == MMIOEMU_KIND_SCAS))
                     ? MMIOEMU_F_REPNE
                     : MMIOEMU_F_REP;
    out->mem.disp = 0;
    x86_put8(out, X86_OFF_MEM,
             (dsti ? MMIOEMU_REG_RDI : MMIOEMU_REG_RSI) | MMIOEMU_REG_NONE << 8 | seg << 24 |
                 (uint64_t)asz << 32);
    x86_put_lanes(out, fid, x86_size_index(ctx, f, f->fast), st, 0, i, flags);
    return MMIOEMU_OK;
}

/* Hand the instruction to the next stage (x86_decode() below): x86_fast()
 * stored the arguments in *next on entry, so a hand-over is only a status
 * and nothing stays live for it. */
#define X86_GENERAL() return X86_TO_GENERAL

/* EVEX.R' in the body's vbad word: a bit no form flag rule there uses
 * (X86_FF_MODREG is a general-path rule; such forms are "rare"). */
#define X86_EVEX_RR X86_FF_MODREG

/* Everything after the opcode: form, ModRM/SIB/displacement, immediate,
 * validity, descriptor. Instantiated twice with a constant `vex`: the legacy
 * instance inside x86_fast() carries no VEX code. i is the index after the
 * opcode; ctx gives the prefix-derived key bits and sizes, st the prefix
 * state with the mode. code has X86_FAST_PAD readable bytes, len is how many
 * of them are the caller's: one test sends everything truncated, too long
 * or invalid to the general path. */
static inline __attribute__((always_inline)) mmioemu_status
x86_fast_body(const int vex, x86_next *next, const uint8_t *code, size_t len, mmioemu_insn *out,
              size_t i, uint32_t ow, unsigned st, const x86_ctx *ctx, uint32_t vbad, unsigned lmask)
{
    /* Group -> form by (64-bit mode, W, mandatory prefix, mod==3, reg). */
    const size_t modrm = code[i];
    const unsigned mi = x86_modrm32[modrm];
    const unsigned fid =
        x86_group_forms[X86_OPW_BASE(ow) +
                        x86_key_slot[X86_OPW_PATTERN(ow)][ctx->key | X86_MRM_KEY(mi)]];
    const x86_form *f = &x86_forms[fid];
    const unsigned fast = f->fast;
    const uint32_t ff = f->flags;
    if (fast & ctx->bad) {
        /* Implicit memory operands (strings, moffs) out of line; what else
         * the fast path cannot finish in this mode goes on. */
        if (vex || (fast & (ctx->bad & ~X86_FAST_IMPL)))
            X86_GENERAL();
        return x86_fast_implicit(next, fid, st, i);
    }
    /* VEX/EVEX field rules of the form (SDM Vol. 2A 2.3.6, 2.7): vbad has
     * the flags of the rules these fields break (unused vvvv not 1111b...),
     * lmask bit (L1:L0 of the form) is set where the vector length is not
     * the form's (x86_fast_vex). */
    if (vex && ((ff & vbad) || ((lmask >> ((ff / X86_FF_L0) & 3)) & 1)))
        X86_GENERAL();

    /* The immediate's length: from the opcode word where all its forms agree
     * (not waiting for the form lookup), else from the form. */
    const unsigned ilen =
        x86_ilen_of[ctx->osz_row * 16u +
                    (__builtin_expect(ow & X86_OPW_VAR, 0) ? f->ic : X86_OPW_IC(ow))];
    /* ModRM, SIB, displacement (SDM Vol. 2A Tables 2-2, 2-3, 2.2.1.6). */
    uint64_t m = 0; /* x86_mrm_mem / x86_sib_mem word; 0: no memory operand */
    unsigned dlen = 0;
    if (ow & X86_OPW_HASM) {
        i++;
        if (modrm >= 0xc0) {
            if ((ff & X86_FF_MEMONLY) || !((f->rmmask >> (modrm & 7)) & 1))
                X86_GENERAL();
        } else {
            if ((ff & X86_FF_REGONLY) || ctx->asz == 2)
                X86_GENERAL(); /* 16-bit addressing: the general path */
            dlen = X86_MRM_DLEN(mi);
            if (mi & X86_MRM_SIB) {
                const unsigned sib = code[i++];
                m = x86_sib_mem[modrm >= 0x40][sib];
                /* base 101b with mod 00: disp32 (X86_MEM_DISP32, not read
                 * here: the length does not wait for a table load) */
                dlen |= ((sib & 7) == 5 && modrm < 0x40) << 2;
            } else {
                m = x86_mrm_mem[(st & S_64) != 0][modrm];
                if ((mi & X86_MRM_NOBASE) && (st & S_64) && !(f->rmmask & 0x20))
                    X86_GENERAL(); /* "norip" forms (MPX mib): #UD */
            }
        }
    }
    const size_t dpos = i, total = dpos + dlen + ilen;
    const unsigned lock = st & S_LOCK;
    if (total > 15 || total > len || (lock && (!(ff & X86_FF_LOCK) || !m)))
        X86_GENERAL(); /* too long, truncated, or LOCK #UD (SDM Vol. 2A LOCK) */

    out->mode = (uint8_t)((st >> S_MODESHIFT) & 3);
    out->length = (uint8_t)total;
    out->id = (uint16_t)fid;
    if (!m || !f->kind) { /* m first: most code has no memory operand */
        out->kind = MMIOEMU_KIND_NONE;
        out->flags = 0;
        return MMIOEMU_ERR_NO_MEMORY_OPERAND;
    }

    /* The memory operand: the table's bytes with REX.B/REX.X applied, the
     * segment override, the address size. */
    uint32_t mb = (uint32_t)m ^ ((uint32_t)(m >> 32) & x86_rex_xor[(st >> 9) & 3]);
    if (st & S_SEG)
        mb = (mb & 0x00ffffffu) | ((st >> S_SEGSHIFT) & 7) << 24;
    x86_put8(out, X86_OFF_MEM, mb | (uint64_t)ctx->asz << 32);
    const uint32_t d = x86_le32(code, dpos) & x86_mask4[dlen];
    int64_t disp = (int64_t)(int32_t)((d ^ x86_sbit4[dlen]) - x86_sbit4[dlen]);
    const unsigned si = x86_size_index(ctx, f, fast);
    if (vex == 2 && dlen == 1) {
        /* EVEX disp8*N (SDM 2.7.5): N is the access size (no broadcast here) */
        const unsigned n = f->sz[si];
        disp *= (int64_t)(n ? n : 1);
    }
    out->mem.disp = disp;

    x86_put_lanes(out, fid, si, st, modrm, total, (lock ? MMIOEMU_F_LOCK : 0) | (st & S_SEG));
    if (vex == 2 && (vbad & X86_EVEX_RR) && f->reg == X86_R_V)
        out->reg = (uint8_t)(out->reg + 16); /* EVEX.R': v16-v31 */

    /* Immediate value (F_IMM forms: imm8/16/32), extended as the CPU does. */
    if (ff & X86_FF_IMM) {
        uint32_t v = x86_le32(code, dpos + dlen) & x86_mask4[ilen];
        out->imm = f->imm == X86_IMM_IBZ
                       ? (int64_t)v
                       : (int64_t)(int32_t)((v ^ x86_sbit4[ilen]) - x86_sbit4[ilen]);
    }
    return MMIOEMU_OK;
}
_Static_assert(S_X >> 9 == 1 && S_B >> 9 == 2 && S_64 == 2u << S_MODESHIFT, "x86_rex_xor index");

/* EVEX (SDM 2.7) in 64-bit mode, code[i - 1] = P0 = R X B R' 0 m m m, then
 * P1 = W vvvv 1 pp, P2 = z L'L b V' aaa and the opcode: maps 1-3 without
 * masking, zeroing or broadcast and L'L != 11b on the fast path (a memory
 * operand's disp8 is scaled by the access size, SDM 2.7.5); the rest, and
 * forms with a mask operand, VSIB or k registers, on the general path. */
static inline __attribute__((always_inline)) mmioemu_status
x86_fast_evex(x86_next *next, const uint8_t *code, size_t i, unsigned st, x86_ctx *c)
{
    const unsigned p0 = code[i - 1], p1 = code[i], p2 = code[i + 1], mm = p0 & 7, ll = p2 >> 5;
    if ((p0 & 8) || !(p1 & 4) || mm - 1 > 2 || (p2 & 0x97) || ll == 3 || !c->is64)
        X86_GENERAL(); /* z, b, aaa, L'L = 11b, reserved bits, another map */
    const uint32_t ow = x86_opw[6 + mm][code[i + 2]];
    const unsigned w = p1 >> 7, rxb = ~p0;
    st = (st & (S_67 | 3u << S_MODESHIFT | S_SEG | 7u << S_SEGSHIFT)) | S_REX | w * S_W |
         ((rxb >> 7) & 1) * S_R | ((rxb >> 6) & 1) * S_X | ((rxb >> 5) & 1) * S_B;
    c->key = (uint8_t)(c->key | w << 6 | (p1 & 3) << 4);
    c->osz_row = (uint8_t)((MMIOEMU_X86_64 * 2u + w) * 16u); /* no 66 */
    c->sels = (uint16_t)(c->sels | w << (2 * X86_SEL_W) | ll << (2 * X86_SEL_VL));
    /* vvvv and V' unused: 1111b and 1; L'L against the form's L1:L0 (L0+L1:
     * EVEX.512 only). */
    const uint32_t vbad = X86_FF_MASK | X86_FF_KR | X86_FF_VSIB |
                          (((~p1 & 0x78) | (~p2 & 8)) ? X86_FF_NV : 0) |
                          ((rxb >> 4) & 1) * X86_EVEX_RR;
    static const uint8_t lmask[3] = {0xc, 0xa, 0x2};
    return x86_fast_body(2, next, code, next->len, next->out, i + 3, ow, st, c, vbad, lmask[ll]);
}

/* VEX (SDM 2.3.5), at code[i] the byte after C4/C5: C5 = R vvvv L pp;
 * C4 = R X B mmmmm, W vvvv L pp. R/X/B/W act as a REX (outside 64-bit mode
 * R/X/B are ignored), pp as the mandatory prefix. Out of line so the legacy
 * path stays free of it. */
static __attribute__((noinline, noclone)) mmioemu_status x86_fast_vex(x86_next *next)
{
    const mmioemu_mode mode = next->mode;
    const uint8_t *code = next->code;
    size_t i = next->i;
    unsigned st = next->packed;
    const x86_ctx *cx = &x86_ctx_of[st & 127];
    x86_ctx c = {cx->key, cx->osz_row, cx->asz, cx->is64, cx->sels, cx->bad};
    const unsigned esc = code[i - 2], p0 = code[i - 1];
    if (esc == 0x62)
        return x86_fast_evex(next, code, i, st, &c);
    unsigned p1 = p0, mm = 1;
    if (esc == 0xc4) {
        mm = p0 & 0x1f;
        p1 = code[i++];
        if (mm - 1 > 2)
            X86_GENERAL(); /* no such map: #UD */
    }
    const uint32_t ow = x86_opw[3 + mm][code[i++]];
    const unsigned w = esc == 0xc4 ? p1 >> 7 : 0;
    const unsigned rxb = c.is64 ? ~p0 & (esc == 0xc4 ? 0xe0u : 0x80u) : 0;
    st = (st & (S_67 | 3u << S_MODESHIFT | S_SEG | 7u << S_SEGSHIFT)) | S_REX | w * S_W |
         ((rxb >> 7) & 1) * S_R | ((rxb >> 6) & 1) * S_X | ((rxb >> 5) & 1) * S_B;
    c.key = (uint8_t)(c.key | w << 6 | (p1 & 3) << 4);
    c.osz_row = (uint8_t)(((unsigned)mode * 2u + (c.is64 ? w : 0u)) * 16u); /* no 66 */
    c.sels = (uint16_t)(c.sels | w << (2 * X86_SEL_W) | ((p1 >> 2) & 1) << (2 * X86_SEL_VL));
    /* L = 0: L1 forms (and L0+L1, EVEX only) are not this; L = 1: L0 ones. */
    return x86_fast_body(1, next, code, next->len, next->out, i, ow, st, &c,
                         (~p1 & 0x78) ? X86_FF_NV : 0, (p1 & 4) ? 0xau : 0xcu);
}

/* Prefixes and opcode, then the body for legacy forms; C4/C5 (VEX) and
 * EVEX/XOP are handed back to x86_decode() through *next. code has
 * X86_FAST_PAD readable bytes (x86_decode()); the body checks the length
 * against len. */
static __attribute__((noinline, noclone)) mmioemu_status
x86_fast(mmioemu_mode mode, const uint8_t *code, size_t len, mmioemu_insn *out, x86_next *next)
{
    next->mode = mode;
    next->code = code;
    next->len = len;
    next->out = out;
    const uint32_t *edit = x86_pfx_edit[mode];
    size_t i = 0;
    unsigned b = code[0], st = (unsigned)mode << S_MODESHIFT;
    uint32_t e = edit[b];
    while (e) {
        st = (st & (e >> 16)) | (e & 0xffff);
        if (++i >= 15)
            X86_GENERAL(); /* too long */
        b = code[i];
        e = edit[b];
    }
    const x86_ctx *ctx = &x86_ctx_of[st & 127];

    /* Opcode. 0F (two-byte map) is taken without a branch: on a varied
     * stream it would mispredict. 0F 38 / 0F 3A and C4/C5/62/8F (maybe
     * VEX/EVEX/XOP) are the ESC entries. */
    ++i;
    const unsigned is0f = b == 0x0f, nx = code[i];
    i += is0f;
    uint32_t ow = x86_opw[is0f][b ^ ((b ^ nx) & (0u - is0f))]; /* arithmetic select */
    if (ow & X86_OPW_ESC) {
        if (!is0f) {
            /* C4/C5 are LES/LDS and 62 is BOUND outside 64-bit mode unless the
             * next byte has mod == 11 (SDM 2.3.5); 8F is POP unless ModRM.reg
             * != 0 (XOP). VEX after 66/F2/F3/LOCK/REX is #UD (SDM 2.3.2). */
            if (i >= len || (b == 0x8f ? !(nx & 0x18) : !ctx->is64 && nx < 0xc0) ||
                (st & (S_REXBITS | S_66 | S_REP | S_LOCK)))
                X86_GENERAL();
            if (b == 0x8f || (b == 0x62 && !ctx->is64)) {
                unsigned seg = (st & S_SEG) ? (st >> S_SEGSHIFT) & 7 : MMIOEMU_SEG_NONE;
                next->i = i;
                next->packed = b | seg << 16 | (st & S_67 ? 1u : 0u) << 25;
                return X86_TO_VEX;
            }
            next->i = i + 1;
            next->packed = st;
            return X86_TO_FAST_VEX;
        }
        ow = x86_opw[nx == 0x38 ? 2 : 3][code[i++]];
    }
    return x86_fast_body(0, next, code, len, out, i, ow, st, ctx, 0, 0);
}

/* Copies a short input into pad, zero-filled to X86_FAST_PAD bytes, so the
 * fast path can read ahead without a bounds test per byte. Never reads
 * code[len] or beyond. */
static __attribute__((noinline)) const uint8_t *x86_pad(uint8_t *pad, const uint8_t *code,
                                                        size_t len)
{
    /* Zero the pad in 8-byte stores, then copy the bytes in at most three
     * overlapping pieces of 8 (len 8..23) or two of 4 (4..7), each inside
     * code[0..len): no byte loop. len < X86_FAST_PAD = 24 here. */
    mm_zero(pad, X86_FAST_PAD);
    if (len >= 8) {
        uint64_t a, b, c;
        __builtin_memcpy(&a, code, 8);
        __builtin_memcpy(&c, code + len - 8, 8);
        if (len > 16) {
            __builtin_memcpy(&b, code + 8, 8);
            __builtin_memcpy(pad + 8, &b, 8);
        }
        __builtin_memcpy(pad, &a, 8);
        __builtin_memcpy(pad + len - 8, &c, 8);
    } else if (len >= 4) {
        uint32_t a, c;
        __builtin_memcpy(&a, code, 4);
        __builtin_memcpy(&c, code + len - 4, 4);
        __builtin_memcpy(pad, &a, 4);
        __builtin_memcpy(pad + len - 4, &c, 4);
    } else if (len) {
        pad[0] = code[0]; /* len 1..3: bytes 0, len / 2 and len - 1 */
        pad[len / 2] = code[len / 2];
        pad[len - 1] = code[len - 1];
    }
    return pad;
}
_Static_assert(X86_FAST_PAD == 24, "x86_pad: at most three pieces of 8");

/* The stages as siblings: each returns here before the next runs, so the
 * deepest decode is this frame plus the largest stage, also in the static
 * call graph (docs/stack.md; tail jumps between stages would be added up
 * there). Legacy forms pay one call and one compare for it. The later
 * stages read the same bytes (the pad when it was used) and test len
 * themselves. */
mmioemu_status x86_decode(mmioemu_mode mode, const uint8_t *code, size_t len, mmioemu_insn *out)
{
    x86_next nx;
    if (__builtin_expect(len < X86_FAST_PAD, 0))
        code = x86_pad(nx.pad, code, len);
    mmioemu_status s = x86_fast(mode, code, len, out, &nx);
    if (__builtin_expect(s < X86_TO_FAST_VEX, 1))
        return s;
    if (s == X86_TO_FAST_VEX)
        s = x86_fast_vex(&nx);
    if (s == X86_TO_GENERAL)
        s = x86_decode_general(nx.mode, nx.code, nx.len, nx.out, &nx);
    if (s == X86_TO_VEX)
        s = x86_decode_vex(nx.mode, nx.code, nx.len, nx.out, nx.i, nx.packed);
    return s;
}
