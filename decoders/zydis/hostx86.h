/* Shared by the Zydis and Capstone x86 adapters (hosted code only): each
 * library's operands are first normalised into hx_op rows, then hx_fill()
 * turns one mnemonic class + those rows into an mmioemu_insn. Keeping this in
 * one place means both adapters apply the insn.h contract identically, so any
 * difference between them in tests comes from the libraries, not from us.
 * Header-only (static functions) so either adapter builds without the other. */
#ifndef MMIOEMU_HOSTX86_H
#define MMIOEMU_HOSTX86_H

#include <mmioemu/insn.h>

/* What a mnemonic does with its memory operand. 0 (HX_OTHER) is the default
 * for every mnemonic not listed in an adapter's table. */
enum hx_class {
    HX_OTHER = 0, /* touches memory, not classified: KIND_OTHER */
    HX_NOMEM,     /* ModRM memory operand but no data access (NOP, PREFETCH, LEA) */
    HX_MOV,       /* direction from operand order: mem first = store */
    HX_ALU,       /* op from the row: RMW (mem first) or reg OP= mem */
    HX_UNARY,     /* INC/DEC/NOT/NEG on memory */
    HX_XCHG,
    HX_CMPXCHG,
    HX_CMPXCHG_WIDE,
    HX_XADD,
    HX_BT,
    HX_MOVS,
    HX_STOS,
    HX_LODS,
    HX_CMPS,
    HX_SCAS,
    HX_MOVDIR64B,
    HX_FLUSH,
};

/* Row flags. */
enum {
    HX_ZX = 1u << 0,      /* MOVZX: zero-extend into the wider destination */
    HX_SX = 1u << 1,      /* MOVSX/MOVSXD */
    HX_ALIGNED = 1u << 2, /* SDM: #GP(0) unless aligned to the operand size */
    HX_NT = 1u << 3,
    HX_BSWAP = 1u << 4,
    HX_DIRECT = 1u << 5,
    HX_LOWHALF = 1u << 6, /* MOVLPS/MOVLPD load: dst_size = 8, MERGE (rest kept) */
};

/* The mnemonics both libraries spell the same way, as X(name, class, op,
 * flags) rows; each adapter expands them into a table indexed by its own
 * mnemonic enum (designated initialisers), then adds the names only it has.
 * Sources: SDM Vol. 2 instruction pages (direction, alignment, NT hints). */
#define HX_COMMON_ROWS(X)                                                                          \
    X(MOV, HX_MOV, MMIOEMU_OP_NONE, 0)                                                             \
    X(MOVZX, HX_MOV, MMIOEMU_OP_NONE, HX_ZX)                                                       \
    X(MOVSX, HX_MOV, MMIOEMU_OP_NONE, HX_SX)                                                       \
    X(MOVSXD, HX_MOV, MMIOEMU_OP_NONE, HX_SX)                                                      \
    X(MOVBE, HX_MOV, MMIOEMU_OP_NONE, HX_BSWAP)                                                    \
    X(MOVNTI, HX_MOV, MMIOEMU_OP_NONE, HX_NT)                                                      \
    X(MOVAPS, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED)                                                 \
    X(MOVAPD, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED)                                                 \
    X(MOVDQA, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED)                                                 \
    X(MOVUPS, HX_MOV, MMIOEMU_OP_NONE, 0)                                                          \
    X(MOVUPD, HX_MOV, MMIOEMU_OP_NONE, 0)                                                          \
    X(MOVDQU, HX_MOV, MMIOEMU_OP_NONE, 0)                                                          \
    X(LDDQU, HX_MOV, MMIOEMU_OP_NONE, 0)                                                           \
    X(MOVNTDQ, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED | HX_NT)                                        \
    X(MOVNTPS, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED | HX_NT)                                        \
    X(MOVNTPD, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED | HX_NT)                                        \
    X(MOVNTDQA, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED | HX_NT)                                       \
    X(MOVD, HX_MOV, MMIOEMU_OP_NONE, 0)                                                            \
    X(MOVQ, HX_MOV, MMIOEMU_OP_NONE, 0)                                                            \
    X(MOVSS, HX_MOV, MMIOEMU_OP_NONE, 0)                                                           \
    X(MOVLPS, HX_MOV, MMIOEMU_OP_NONE, HX_LOWHALF)                                                 \
    X(MOVLPD, HX_MOV, MMIOEMU_OP_NONE, HX_LOWHALF)                                                 \
    X(VMOVAPS, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED)                                                \
    X(VMOVAPD, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED)                                                \
    X(VMOVDQA, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED)                                                \
    X(VMOVDQA32, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED)                                              \
    X(VMOVDQA64, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED)                                              \
    X(VMOVUPS, HX_MOV, MMIOEMU_OP_NONE, 0)                                                         \
    X(VMOVUPD, HX_MOV, MMIOEMU_OP_NONE, 0)                                                         \
    X(VMOVDQU, HX_MOV, MMIOEMU_OP_NONE, 0)                                                         \
    X(VMOVDQU8, HX_MOV, MMIOEMU_OP_NONE, 0)                                                        \
    X(VMOVDQU16, HX_MOV, MMIOEMU_OP_NONE, 0)                                                       \
    X(VMOVDQU32, HX_MOV, MMIOEMU_OP_NONE, 0)                                                       \
    X(VMOVDQU64, HX_MOV, MMIOEMU_OP_NONE, 0)                                                       \
    X(VLDDQU, HX_MOV, MMIOEMU_OP_NONE, 0)                                                          \
    X(VMOVNTDQ, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED | HX_NT)                                       \
    X(VMOVNTPS, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED | HX_NT)                                       \
    X(VMOVNTPD, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED | HX_NT)                                       \
    X(VMOVNTDQA, HX_MOV, MMIOEMU_OP_NONE, HX_ALIGNED | HX_NT)                                      \
    X(VMOVD, HX_MOV, MMIOEMU_OP_NONE, 0)                                                           \
    X(VMOVQ, HX_MOV, MMIOEMU_OP_NONE, 0)                                                           \
    X(VMOVSS, HX_MOV, MMIOEMU_OP_NONE, 0)                                                          \
    X(VMOVSD, HX_MOV, MMIOEMU_OP_NONE, 0)                                                          \
    X(VMOVLPS, HX_MOV, MMIOEMU_OP_NONE, 0)                                                         \
    X(VMOVLPD, HX_MOV, MMIOEMU_OP_NONE, 0)                                                         \
    X(ADD, HX_ALU, MMIOEMU_OP_ADD, 0)                                                              \
    X(OR, HX_ALU, MMIOEMU_OP_OR, 0)                                                                \
    X(ADC, HX_ALU, MMIOEMU_OP_ADC, 0)                                                              \
    X(SBB, HX_ALU, MMIOEMU_OP_SBB, 0)                                                              \
    X(AND, HX_ALU, MMIOEMU_OP_AND, 0)                                                              \
    X(SUB, HX_ALU, MMIOEMU_OP_SUB, 0)                                                              \
    X(XOR, HX_ALU, MMIOEMU_OP_XOR, 0)                                                              \
    X(CMP, HX_ALU, MMIOEMU_OP_CMP, 0)                                                              \
    X(TEST, HX_ALU, MMIOEMU_OP_TEST, 0)                                                            \
    X(INC, HX_UNARY, MMIOEMU_OP_INC, 0)                                                            \
    X(DEC, HX_UNARY, MMIOEMU_OP_DEC, 0)                                                            \
    X(NOT, HX_UNARY, MMIOEMU_OP_NOT, 0)                                                            \
    X(NEG, HX_UNARY, MMIOEMU_OP_NEG, 0)                                                            \
    X(XCHG, HX_XCHG, MMIOEMU_OP_NONE, 0)                                                           \
    X(CMPXCHG, HX_CMPXCHG, MMIOEMU_OP_NONE, 0)                                                     \
    X(CMPXCHG8B, HX_CMPXCHG_WIDE, MMIOEMU_OP_NONE, 0)                                              \
    X(CMPXCHG16B, HX_CMPXCHG_WIDE, MMIOEMU_OP_NONE, HX_ALIGNED)                                    \
    X(XADD, HX_XADD, MMIOEMU_OP_NONE, 0)                                                           \
    X(BT, HX_BT, MMIOEMU_OP_BT, 0)                                                                 \
    X(BTS, HX_BT, MMIOEMU_OP_BTS, 0)                                                               \
    X(BTR, HX_BT, MMIOEMU_OP_BTR, 0)                                                               \
    X(BTC, HX_BT, MMIOEMU_OP_BTC, 0)                                                               \
    X(MOVSB, HX_MOVS, MMIOEMU_OP_NONE, 0)                                                          \
    X(MOVSW, HX_MOVS, MMIOEMU_OP_NONE, 0)                                                          \
    X(MOVSQ, HX_MOVS, MMIOEMU_OP_NONE, 0)                                                          \
    X(STOSB, HX_STOS, MMIOEMU_OP_NONE, 0)                                                          \
    X(STOSW, HX_STOS, MMIOEMU_OP_NONE, 0)                                                          \
    X(STOSD, HX_STOS, MMIOEMU_OP_NONE, 0)                                                          \
    X(STOSQ, HX_STOS, MMIOEMU_OP_NONE, 0)                                                          \
    X(LODSB, HX_LODS, MMIOEMU_OP_NONE, 0)                                                          \
    X(LODSW, HX_LODS, MMIOEMU_OP_NONE, 0)                                                          \
    X(LODSD, HX_LODS, MMIOEMU_OP_NONE, 0)                                                          \
    X(LODSQ, HX_LODS, MMIOEMU_OP_NONE, 0)                                                          \
    X(CMPSB, HX_CMPS, MMIOEMU_OP_NONE, 0)                                                          \
    X(CMPSW, HX_CMPS, MMIOEMU_OP_NONE, 0)                                                          \
    X(CMPSQ, HX_CMPS, MMIOEMU_OP_NONE, 0)                                                          \
    X(SCASB, HX_SCAS, MMIOEMU_OP_NONE, 0)                                                          \
    X(SCASW, HX_SCAS, MMIOEMU_OP_NONE, 0)                                                          \
    X(SCASD, HX_SCAS, MMIOEMU_OP_NONE, 0)                                                          \
    X(SCASQ, HX_SCAS, MMIOEMU_OP_NONE, 0)                                                          \
    X(CLFLUSH, HX_FLUSH, MMIOEMU_OP_NONE, 0)                                                       \
    X(CLFLUSHOPT, HX_FLUSH, MMIOEMU_OP_NONE, 0)                                                    \
    X(CLWB, HX_FLUSH, MMIOEMU_OP_NONE, 0)                                                          \
    X(NOP, HX_NOMEM, MMIOEMU_OP_NONE, 0)                                                           \
    X(PREFETCH, HX_NOMEM, MMIOEMU_OP_NONE, 0)                                                      \
    X(PREFETCHNTA, HX_NOMEM, MMIOEMU_OP_NONE, 0)                                                   \
    X(PREFETCHT0, HX_NOMEM, MMIOEMU_OP_NONE, 0)                                                    \
    X(PREFETCHT1, HX_NOMEM, MMIOEMU_OP_NONE, 0)                                                    \
    X(PREFETCHT2, HX_NOMEM, MMIOEMU_OP_NONE, 0)                                                    \
    X(PREFETCHW, HX_NOMEM, MMIOEMU_OP_NONE, 0)                                                     \
    X(LEA, HX_NOMEM, MMIOEMU_OP_NONE, 0)

/* MOVSD and CMPSD name both a string instruction (A5, A7) and an SSE2
 * instruction (F2 0F 10/11, F2 0F C2); the adapters pick one of these rows
 * by opcode map. */
#define HX_ROW_MOVSD_STRING                                                                        \
    {                                                                                              \
        HX_MOVS, MMIOEMU_OP_NONE, 0                                                                \
    }
#define HX_ROW_CMPSD_STRING                                                                        \
    {                                                                                              \
        HX_CMPS, MMIOEMU_OP_NONE, 0                                                                \
    }
#define HX_ROW_MOVSD_SSE                                                                           \
    {                                                                                              \
        HX_MOV, MMIOEMU_OP_NONE, 0                                                                 \
    }

typedef struct hx_row {
    uint8_t cls; /* enum hx_class */
    uint8_t op;  /* mmioemu_op for HX_ALU / HX_UNARY / HX_BT */
    uint16_t flags;
} hx_row;

enum { HX_T_NONE = 0, HX_T_REG, HX_T_MEM, HX_T_IMM };

/* One explicit operand, normalised. A register operand the descriptor cannot
 * name (segment, MMX, mask, control...) has reg == MMIOEMU_REG_NONE. */
typedef struct hx_op {
    int64_t imm;     /* HX_T_IMM: value as the library gives it */
    mmioemu_mem mem; /* HX_T_MEM: address expression */
    uint16_t size;   /* bytes (register width or access size) */
    uint8_t type;
    uint8_t reg;
} hx_op;

/* Prefix-derived facts the classes need. */
typedef struct hx_prefix {
    uint8_t lock, rep, repne, vex, evex, masked;
} hx_prefix;

static inline int64_t hx_sext(uint64_t v, unsigned bytes)
{
    unsigned sh = 64 - 8 * bytes;
    return bytes >= 8 ? (int64_t)v : (int64_t)(v << sh) >> sh;
}

static inline int hx_is_vec(uint8_t reg)
{
    return reg >= MMIOEMU_REG_V0 && reg < MMIOEMU_REG_V0 + 32;
}

/* Load extension rule (insn.h mmioemu_ext): it describes how the bytes
 * between the access size and dst_size are filled, then what happens above.
 * GPR: SDM Vol. 1 3.4.1.1 - a 32-bit destination zero-extends to 64 bits,
 * 8/16-bit destinations merge; so an access as wide as its destination is
 * ZERO at 4/8 bytes and MERGE below, whatever MOVZX/MOVSX would do.
 * Vector: VEX/EVEX loads zero up to the maximum vector length (F_VEX); legacy
 * SSE loads narrower than the register (MOVD/MOVQ/MOVSS/MOVSD) zero the rest
 * of the XMM register, a full-width legacy load leaves bits above 128 alone. */
static inline uint8_t hx_load_ext(const hx_row *row, uint8_t reg, unsigned size, unsigned dst,
                                  const hx_prefix *p)
{
    if (hx_is_vec(reg)) {
        if (p->vex || p->evex)
            return MMIOEMU_EXT_ZERO;
        return size < dst ? MMIOEMU_EXT_ZERO : MMIOEMU_EXT_MERGE;
    }
    if (size < dst && (row->flags & HX_SX))
        return MMIOEMU_EXT_SIGN;
    if (size < dst && (row->flags & HX_ZX))
        return MMIOEMU_EXT_ZERO;
    return dst >= 4 ? MMIOEMU_EXT_ZERO : MMIOEMU_EXT_MERGE;
}

static inline uint32_t hx_row_flags(const hx_row *row, const hx_prefix *p)
{
    uint32_t f = 0;
    if (row->flags & HX_ALIGNED)
        f |= MMIOEMU_F_ALIGNED;
    if (row->flags & HX_NT)
        f |= MMIOEMU_F_NT;
    if (row->flags & HX_BSWAP)
        f |= MMIOEMU_F_BSWAP;
    if (row->flags & HX_DIRECT)
        f |= MMIOEMU_F_DIRECT;
    if (p->lock)
        f |= MMIOEMU_F_LOCK;
    if (p->vex || p->evex)
        f |= MMIOEMU_F_VEX;
    if (p->evex)
        f |= MMIOEMU_F_EVEX;
    return f;
}

/* Moves: MOV, MOVZX/MOVSX(D), MOVBE, MOVNTI, MOVDIRI and the vector moves. */
static inline mmioemu_status hx_fill_mov(const hx_row *row, const hx_op *o, unsigned n,
                                         const hx_prefix *p, mmioemu_insn *out)
{
    if (n < 2 || p->masked)
        return MMIOEMU_ERR_UNSUPPORTED; /* masked EVEX: a partial access */
    if (o[0].type == HX_T_MEM) {
        out->mem = o[0].mem;
        out->size = o[0].size;
        if (o[1].type == HX_T_IMM) {
            out->kind = MMIOEMU_KIND_WRITE_IMM;
            out->flags |= MMIOEMU_F_IMM; /* insn.h: .imm is the source operand */
            out->imm = hx_sext((uint64_t)o[1].imm, o[0].size);
            return MMIOEMU_OK;
        }
        if (o[1].type != HX_T_REG || o[1].reg == MMIOEMU_REG_NONE)
            return MMIOEMU_ERR_UNSUPPORTED;
        out->kind = MMIOEMU_KIND_WRITE;
        out->reg = o[1].reg;
        return MMIOEMU_OK;
    }
    if (o[1].type != HX_T_MEM || o[0].type != HX_T_REG || o[0].reg == MMIOEMU_REG_NONE)
        return MMIOEMU_ERR_UNSUPPORTED;
    out->kind = MMIOEMU_KIND_READ;
    out->mem = o[1].mem;
    out->size = o[1].size;
    out->reg = o[0].reg;
    out->dst_size = (uint8_t)o[0].size;
    /* MOVLPS/MOVLPD: 8 bytes into the low half, the rest of the register kept */
    if (row->flags & HX_LOWHALF)
        out->dst_size = (uint8_t)o[1].size;
    out->ext = hx_load_ext(row, o[0].reg, o[1].size, out->dst_size, p);
    return MMIOEMU_OK;
}

/* ALU with two operands: ADD..CMP (group-1 order), TEST. */
static inline mmioemu_status hx_fill_alu(const hx_row *row, const hx_op *o, unsigned n,
                                         mmioemu_insn *out)
{
    int cmp = row->op == MMIOEMU_OP_CMP || row->op == MMIOEMU_OP_TEST;
    if (n < 2)
        return MMIOEMU_ERR_UNSUPPORTED;
    out->op = row->op;
    if (o[0].type == HX_T_MEM) {
        out->mem = o[0].mem;
        out->size = o[0].size;
        out->kind = cmp ? MMIOEMU_KIND_CMP : MMIOEMU_KIND_ALU_RMW;
        if (o[1].type == HX_T_IMM) {
            out->flags |= MMIOEMU_F_IMM;
            /* SDM Vol. 2A ADD: imm8 of 83 /n is sign-extended to the operand size */
            out->imm = hx_sext((uint64_t)o[1].imm, o[0].size);
        } else if (o[1].type == HX_T_REG && o[1].reg != MMIOEMU_REG_NONE) {
            out->reg = o[1].reg;
        } else {
            return MMIOEMU_ERR_UNSUPPORTED;
        }
        return MMIOEMU_OK;
    }
    if (o[1].type != HX_T_MEM || o[0].type != HX_T_REG || o[0].reg == MMIOEMU_REG_NONE)
        return MMIOEMU_ERR_UNSUPPORTED;
    out->mem = o[1].mem;
    out->size = o[1].size;
    out->reg = o[0].reg;
    if (cmp) {
        out->kind = MMIOEMU_KIND_CMP;
        out->flags |= MMIOEMU_F_MEM_SRC;
    } else {
        out->kind = MMIOEMU_KIND_ALU_READ;
        out->dst_size = (uint8_t)o[0].size;
        out->ext = o[0].size >= 4 ? MMIOEMU_EXT_ZERO : MMIOEMU_EXT_MERGE;
    }
    return MMIOEMU_OK;
}

/* XCHG/CMPXCHG/XADD/BT/unary: the memory operand plus at most one source. */
static inline mmioemu_status hx_fill_rmw(const hx_row *row, const hx_op *o, unsigned n, unsigned mi,
                                         mmioemu_insn *out)
{
    static const uint8_t kind[] = {
        [HX_UNARY] = MMIOEMU_KIND_ALU_RMW,   [HX_XCHG] = MMIOEMU_KIND_XCHG,
        [HX_CMPXCHG] = MMIOEMU_KIND_CMPXCHG, [HX_CMPXCHG_WIDE] = MMIOEMU_KIND_CMPXCHG_WIDE,
        [HX_XADD] = MMIOEMU_KIND_XADD,       [HX_BT] = MMIOEMU_KIND_BT,
    };
    out->kind = kind[row->cls];
    out->mem = o[mi].mem;
    out->size = o[mi].size;
    if (row->cls == HX_UNARY || row->cls == HX_BT)
        out->op = row->op;
    if (row->cls == HX_UNARY || row->cls == HX_CMPXCHG_WIDE)
        return MMIOEMU_OK;
    for (unsigned i = 0; i < n; i++) {
        if (i == mi)
            continue;
        if (o[i].type == HX_T_IMM && row->cls == HX_BT) {
            out->flags |= MMIOEMU_F_IMM;
            out->imm = (int64_t)((uint64_t)o[i].imm & 0xff); /* SDM BT: imm8, unsigned */
            return MMIOEMU_OK;
        }
        if (o[i].type == HX_T_REG && o[i].reg != MMIOEMU_REG_NONE) {
            out->reg = o[i].reg;
            return MMIOEMU_OK;
        }
    }
    return MMIOEMU_ERR_UNSUPPORTED;
}

/* String instructions: the memory operand is the [seg:rSI] side for MOVS,
 * LODS and CMPS (the one a segment override applies to, SDM Vol. 2B MOVS),
 * the [ES:rDI] side for STOS and SCAS. Element size from that operand. */
static inline void hx_fill_string(const hx_row *row, const mmioemu_mem *mem, unsigned size,
                                  const hx_prefix *p, mmioemu_insn *out)
{
    static const uint8_t kind[] = {
        [HX_MOVS] = MMIOEMU_KIND_MOVS, [HX_STOS] = MMIOEMU_KIND_STOS, [HX_LODS] = MMIOEMU_KIND_LODS,
        [HX_CMPS] = MMIOEMU_KIND_CMPS, [HX_SCAS] = MMIOEMU_KIND_SCAS,
    };
    out->kind = kind[row->cls];
    out->mem = *mem;
    out->size = (uint16_t)size;
    if (p->rep)
        out->flags |= MMIOEMU_F_REP;
    if (p->repne)
        out->flags |= MMIOEMU_F_REPNE;
    if (row->cls == HX_STOS || row->cls == HX_LODS || row->cls == HX_SCAS)
        out->reg = MMIOEMU_REG_RAX;
    if (row->cls == HX_LODS) {
        out->dst_size = (uint8_t)size;
        out->ext = size >= 4 ? MMIOEMU_EXT_ZERO : MMIOEMU_EXT_MERGE;
    }
}

static inline void hx_init(mmioemu_insn *out, mmioemu_mode mode, unsigned length, uint16_t id)
{
    out->mode = (uint8_t)mode;
    out->length = (uint8_t)length;
    out->id = id;
    out->kind = MMIOEMU_KIND_NONE;
    out->flags = 0;
    out->op = MMIOEMU_OP_NONE;
    out->reg = MMIOEMU_REG_NONE;
    out->reg2 = MMIOEMU_REG_NONE;
    out->dst_size = 0;
    out->ext = MMIOEMU_EXT_NONE;
    out->size = 0;
    out->imm = 0;
}

/* The string operand the descriptor describes: [seg:rSI] for MOVS, LODS and
 * CMPS, [ES:rDI] for STOS and SCAS (insn.h). -1 if the library gave none. */
static inline int hx_string_mem(const hx_row *row, const hx_op *o, unsigned n)
{
    uint8_t want = (row->cls == HX_STOS || row->cls == HX_SCAS) ? MMIOEMU_REG_RDI : MMIOEMU_REG_RSI;
    for (unsigned i = 0; i < n; i++)
        if (o[i].type == HX_T_MEM && o[i].mem.base == want)
            return (int)i;
    return -1;
}

/* Fills `out` (already hx_init'ed) from the class row and the operands
 * o[0..n) (explicit ones, plus the implicit memory operands of string
 * instructions). mi is the index of the memory operand. Anything the classes
 * cannot express becomes KIND_OTHER with .mem and .size still set (insn.h). */
static inline mmioemu_status hx_fill(const hx_row *row, const hx_op *o, unsigned n, unsigned mi,
                                     const hx_prefix *p, mmioemu_insn *out)
{
    mmioemu_status st = MMIOEMU_ERR_UNSUPPORTED;
    uint32_t base_flags = hx_row_flags(row, p) | (out->flags & MMIOEMU_F_SEG_OVR);
    int si;
    out->flags = base_flags;
    out->mem = o[mi].mem;
    out->size = o[mi].size;
    switch (row->cls) { /* dispatch on the class, not on opcodes */
    case HX_MOV: st = hx_fill_mov(row, o, n, p, out); break;
    case HX_ALU: st = hx_fill_alu(row, o, n, out); break;
    case HX_UNARY:
    case HX_XCHG:
    case HX_CMPXCHG:
    case HX_CMPXCHG_WIDE:
    case HX_XADD:
    case HX_BT: st = hx_fill_rmw(row, o, n, mi, out); break;
    case HX_MOVS:
    case HX_STOS:
    case HX_LODS:
    case HX_CMPS:
    case HX_SCAS:
        si = hx_string_mem(row, o, n);
        if (si >= 0) {
            hx_fill_string(row, &o[si].mem, o[si].size, p, out);
            st = MMIOEMU_OK;
        }
        break;
    case HX_MOVDIR64B: /* SDM MOVDIR64B: r16/r32/r64 holds the ES destination, m512 source */
        if (o[0].type == HX_T_REG && o[0].reg < 16 && o[mi].size == 64) {
            out->kind = MMIOEMU_KIND_MOVDIR64B;
            out->reg = o[0].reg;
            out->flags |= MMIOEMU_F_DIRECT;
            st = MMIOEMU_OK;
        }
        break;
    case HX_FLUSH: /* SDM CLFLUSH m8 / CLWB m8: byte operand, no data access */
        out->kind = MMIOEMU_KIND_FLUSH;
        out->size = 1;
        st = MMIOEMU_OK;
        break;
    default: break;
    }
    if (st == MMIOEMU_OK)
        return MMIOEMU_OK;
    hx_init(out, (mmioemu_mode)out->mode, out->length, out->id);
    out->flags = base_flags;
    out->kind = MMIOEMU_KIND_OTHER;
    out->mem = o[mi].mem;
    out->size = o[mi].size;
    return MMIOEMU_OK;
}

#endif
