/* mmioemu: the instruction descriptor and the decoders that fill it.
 *
 * Decoding is pure: no callbacks, no state, no allocation. It never reads a
 * byte at or after `code + len`. The descriptor is 64 bytes at most and the
 * decoder writes only the fields the contract below says are valid for the
 * decoded kind, so callers must not read fields the kind does not define.
 */
#ifndef MMIOEMU_INSN_H
#define MMIOEMU_INSN_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mmioemu_mode {
    MMIOEMU_X86_16 = 0,
    MMIOEMU_X86_32 = 1,
    MMIOEMU_X86_64 = 2,
    MMIOEMU_ARM64 = 3,
    MMIOEMU_MODE_COUNT_
} mmioemu_mode;

typedef enum mmioemu_backend {
    MMIOEMU_BACKEND_NATIVE = 0,   /* always present, freestanding */
    MMIOEMU_BACKEND_ZYDIS = 1,    /* x86 only; MMIOEMU_ERR_UNSUPPORTED when not built in */
    MMIOEMU_BACKEND_CAPSTONE = 2, /* x86 and arm64; idem */
    MMIOEMU_BACKEND_COUNT_
} mmioemu_backend;

/* Register numbers. One space for both architectures; the mode of the
 * descriptor says which applies. The width of a GPR operand is not part of the
 * number: it is `mmioemu_insn.size` (source of a store) or `.dst_size`
 * (destination of a load). The x86 high-byte registers are distinct numbers, so
 * AH can never be confused with SPL (the Linux TDX bug). */
enum {
    /* x86 GPRs, SDM encoding order. With size 1 and a REX prefix, 4..7 are
     * SPL/BPL/SIL/DIL; without REX the decoder reports AH..BH instead. */
    MMIOEMU_REG_RAX = 0,
    MMIOEMU_REG_RCX,
    MMIOEMU_REG_RDX,
    MMIOEMU_REG_RBX,
    MMIOEMU_REG_RSP,
    MMIOEMU_REG_RBP,
    MMIOEMU_REG_RSI,
    MMIOEMU_REG_RDI,
    MMIOEMU_REG_R8,
    MMIOEMU_REG_R9,
    MMIOEMU_REG_R10,
    MMIOEMU_REG_R11,
    MMIOEMU_REG_R12,
    MMIOEMU_REG_R13,
    MMIOEMU_REG_R14,
    MMIOEMU_REG_R15,
    MMIOEMU_REG_AH = 16,
    MMIOEMU_REG_CH,
    MMIOEMU_REG_DH,
    MMIOEMU_REG_BH,
    /* Only as mmioemu_mem.base: RIP-relative (x86) or PC-relative (arm64
     * literal). Distinct from every GPR number of both architectures, so a
     * base of X20 can never be read as the PC. */
    MMIOEMU_REG_RIP = 32,
    /* arm64: X0..X30 are 0..30 (W when the width is 4). As a base register,
     * encoding 31 is SP; as a data register it is XZR/WZR. */
    MMIOEMU_REG_X0 = 0,
    MMIOEMU_REG_SP = 31,
    MMIOEMU_REG_ZR = 33,
    /* Vector registers: x86 XMM/YMM/ZMM 0..31 (width = access or dst size),
     * arm64 V0..V31 (B/H/S/D/Q by width). */
    MMIOEMU_REG_V0 = 64,
    MMIOEMU_REG_NONE = 0xff
};

/* What the instruction does with its memory operand. */
typedef enum mmioemu_kind {
    MMIOEMU_KIND_NONE = 0, /* no memory operand (decode returns NO_MEMORY_OPERAND) */
    MMIOEMU_KIND_READ,  /* mem -> reg, extension in .ext (MOV, MOVZX, MOVSX(D), MOVBE, vector loads,
                           LDR) */
    MMIOEMU_KIND_WRITE, /* reg -> mem (MOV, MOVNTI, MOVDIRI, MOVBE, vector stores, STR) */
    MMIOEMU_KIND_WRITE_IMM,  /* imm -> mem (C6/C7): .imm already extended as the CPU does */
    MMIOEMU_KIND_LOAD_PAIR,  /* arm64 LDP/LDNP/LDPSW: .reg at addr, .reg2 at addr+size */
    MMIOEMU_KIND_STORE_PAIR, /* arm64 STP/STNP: .reg at addr, .reg2 at addr+size */
    MMIOEMU_KIND_MOVS,       /* [seg:rSI] -> [ES:rDI], .size per element */
    MMIOEMU_KIND_STOS,       /* rAX -> [ES:rDI] */
    MMIOEMU_KIND_LODS,       /* [seg:rSI] -> rAX */
    MMIOEMU_KIND_CMPS,       /* compare [seg:rSI] with [ES:rDI]: flags only */
    MMIOEMU_KIND_SCAS,       /* compare rAX with [ES:rDI]: flags only */
    MMIOEMU_KIND_ALU_RMW, /* mem = mem OP src (.op; src: .reg, or .imm if MMIOEMU_F_IMM, or none) */
    MMIOEMU_KIND_ALU_READ, /* reg = reg OP mem (.op; .reg is the destination) */
    MMIOEMU_KIND_CMP,  /* flags of mem OP src, no write (.op CMP/TEST; MMIOEMU_F_MEM_SRC when mem is
                          the 2nd operand) */
    MMIOEMU_KIND_XCHG, /* swap .reg and mem; always locked */
    MMIOEMU_KIND_CMPXCHG,      /* CMPXCHG r/m, .reg (accumulator implicit) */
    MMIOEMU_KIND_CMPXCHG_WIDE, /* CMPXCHG8B/16B: EDX:EAX / RDX:RAX vs mem, ECX:EBX / RCX:RBX */
    MMIOEMU_KIND_XADD,         /* XADD r/m, .reg */
    MMIOEMU_KIND_BT,           /* BT/BTS/BTR/BTC (.op); offset in .reg, or .imm if MMIOEMU_F_IMM */
    MMIOEMU_KIND_MOVDIR64B,    /* 64 bytes from [.mem] (RAM) to [ES:.reg] as one write */
    MMIOEMU_KIND_FLUSH,        /* CLFLUSH/CLFLUSHOPT/CLWB, arm64 DC by VA: no data access */
    MMIOEMU_KIND_OTHER,  /* valid, touches memory, not emulated: .size / .mem still valid when known
                          */
    MMIOEMU_KIND_ATOMIC, /* arm64 LSE single-copy atomic, .op: LD<op>/SWP: mem = mem OP .reg2 (Rs),
                            .reg (Rt) = old value; CAS: if mem == .reg2 then mem = .reg; .reg2 = old
                          */
    MMIOEMU_KIND_COUNT_
} mmioemu_kind;

/* How a loaded value fills a destination wider than the access. */
typedef enum mmioemu_ext {
    MMIOEMU_EXT_NONE = 0, /* stores and no-destination kinds */
    MMIOEMU_EXT_ZERO,  /* upper bits cleared (x86 32-bit dst -> 64, MOVZX, arm64 W/X; vector loads:
                          see MMIOEMU_F_VEX) */
    MMIOEMU_EXT_SIGN,  /* upper bits copy the sign bit (MOVSX, MOVSXD, LDRS*) */
    MMIOEMU_EXT_MERGE, /* bits above dst_size keep their old value (x86 8/16-bit dst, legacy SSE
                          128-bit) */
} mmioemu_ext;

/* Operations for ALU_RMW, ALU_READ, CMP, BT. Values 0..7 follow the x86
 * group-1 /reg order so a decoder can index by ModRM.reg. */
typedef enum mmioemu_op {
    MMIOEMU_OP_ADD = 0,
    MMIOEMU_OP_OR,
    MMIOEMU_OP_ADC,
    MMIOEMU_OP_SBB,
    MMIOEMU_OP_AND,
    MMIOEMU_OP_SUB,
    MMIOEMU_OP_XOR,
    MMIOEMU_OP_CMP,
    MMIOEMU_OP_TEST,
    MMIOEMU_OP_INC,
    MMIOEMU_OP_DEC,
    MMIOEMU_OP_NOT,
    MMIOEMU_OP_NEG,
    MMIOEMU_OP_BT,
    MMIOEMU_OP_BTS,
    MMIOEMU_OP_BTR,
    MMIOEMU_OP_BTC,
    /* arm64 MMIOEMU_KIND_ATOMIC (with ADD, XOR = LDEOR, OR = LDSET above) */
    MMIOEMU_OP_ANDN, /* LDCLR: mem & ~src */
    MMIOEMU_OP_SMAX,
    MMIOEMU_OP_SMIN,
    MMIOEMU_OP_UMAX,
    MMIOEMU_OP_UMIN,
    MMIOEMU_OP_SWP, /* mem = src */
    MMIOEMU_OP_CAS, /* compare and swap */
    MMIOEMU_OP_NONE = 0xff
} mmioemu_op;

/* Segment registers (x86), SDM Sreg encoding order. */
enum {
    MMIOEMU_SEG_ES = 0,
    MMIOEMU_SEG_CS,
    MMIOEMU_SEG_SS,
    MMIOEMU_SEG_DS,
    MMIOEMU_SEG_FS,
    MMIOEMU_SEG_GS,
    MMIOEMU_SEG_NONE = 0xff /* arm64 */
};

/* arm64 index-register extension (Arm ARM "extend" field option values). */
enum {
    MMIOEMU_IDX_LSL = 0, /* 64-bit index, shifted (x86 index always uses this) */
    MMIOEMU_IDX_UXTW = 2,
    MMIOEMU_IDX_SXTW = 6,
    MMIOEMU_IDX_SXTX = 7,
};

/* Descriptor flags (mmioemu_insn.flags). */
enum {
    MMIOEMU_F_LOCK = 1u << 0,    /* LOCK prefix present (validated lockable) */
    MMIOEMU_F_REP = 1u << 1,     /* F3 on a string instruction (REP/REPE) */
    MMIOEMU_F_REPNE = 1u << 2,   /* F2 on CMPS/SCAS */
    MMIOEMU_F_IMM = 1u << 3,     /* .imm is the source operand */
    MMIOEMU_F_MEM_SRC = 1u << 4, /* memory is the second (source) operand of CMP/TEST */
    MMIOEMU_F_BSWAP = 1u << 5,   /* MOVBE: byte-swap the data */
    MMIOEMU_F_NT = 1u << 6,      /* non-temporal hint (MOVNTI, MOVNTDQ, LDNP/STNP) */
    MMIOEMU_F_ALIGNED =
        1u << 7, /* CPU requires .size alignment (MOVAPS, MOVDQA, MOVNTDQ...): #GP(0) otherwise */
    MMIOEMU_F_WB_PRE =
        1u << 8, /* arm64 pre-index: base += offset before the access, written back */
    MMIOEMU_F_WB_POST = 1u << 9,  /* arm64 post-index: access at base, then base += .mem.disp */
    MMIOEMU_F_ACQUIRE = 1u << 10, /* arm64 LDAR/LDAPR...: ordering only */
    MMIOEMU_F_RELEASE = 1u << 11, /* arm64 STLR...: ordering only */
    MMIOEMU_F_VEX =
        1u << 12, /* VEX/EVEX form: a vector load zeroes up to the maximum vector length */
    MMIOEMU_F_EVEX = 1u << 13,
    MMIOEMU_F_DIRECT = 1u << 14,  /* MOVDIRI / MOVDIR64B: one non-torn write */
    MMIOEMU_F_SEG_OVR = 1u << 15, /* a segment override prefix chose .mem.seg */
    MMIOEMU_F_UNPRIV = 1u << 16,  /* arm64 LDTR/STTR: EL0 permission check */
    MMIOEMU_F_LITERAL = 1u << 17, /* arm64 LDR literal: .mem.base is MMIOEMU_REG_RIP meaning PC */
};

/* The address expression of the memory operand:
 *   x86:   seg:[base + index*(1<<shift) + disp], wrapped to addr_size bytes.
 *          RIP-relative: base == MMIOEMU_REG_RIP, address = end of instruction + disp.
 *          moffs (A0..A3): base == index == NONE, disp holds the offset.
 *   arm64: [base + extend(index) << shift + disp]; base 31 is SP; with
 *          WB_POST the access is at base and disp is added afterwards. */
typedef struct mmioemu_mem {
    int64_t disp;      /* sign-extended displacement / immediate offset (arm64: already scaled) */
    uint8_t base;      /* register number or MMIOEMU_REG_NONE */
    uint8_t index;     /* register number or MMIOEMU_REG_NONE */
    uint8_t shift;     /* log2 of the scale (x86 SIB.ss, arm64 LSL amount) */
    uint8_t seg;       /* MMIOEMU_SEG_*, default or override (x86); NONE on arm64 */
    uint8_t addr_size; /* 2, 4 or 8 bytes: width of the address computation */
    uint8_t index_ext; /* MMIOEMU_IDX_* (arm64) */
    uint8_t reserved[2];
} mmioemu_mem;

/* The decoded instruction. Filled by mmioemu_decode(); `mode`, `length`,
 * `kind` and `flags` are always valid after MMIOEMU_OK or
 * MMIOEMU_ERR_NO_MEMORY_OPERAND. */
typedef struct mmioemu_insn {
    mmioemu_mem mem; /* valid unless kind is NONE */
    int64_t imm;    /* valid with MMIOEMU_F_IMM or WRITE_IMM: extended to 64 bits as the CPU does */
    uint32_t flags; /* MMIOEMU_F_* */
    uint16_t size;  /* bytes per memory access (element size for strings and pairs; 1..64) */
    uint16_t id;    /* backend-specific form id (native: row of the form table), for printing */
    uint8_t mode;   /* mmioemu_mode */
    uint8_t length; /* instruction length in bytes (arm64: 4) */
    uint8_t kind;   /* mmioemu_kind */
    uint8_t op;     /* mmioemu_op for ALU/CMP/BT kinds, else MMIOEMU_OP_NONE */
    uint8_t reg;    /* data register (dst of a load, src of a store), or NONE */
    uint8_t reg2;   /* second register (pairs, CMPXCHG8B's... ) or NONE */
    uint8_t dst_size; /* destination register width in bytes for loads (>= size) */
    uint8_t ext;      /* mmioemu_ext */
} mmioemu_insn;

/* Decode one instruction.
 *  backend: which decoder; the native one is always available.
 *  code/len: the bytes; never read at or after code+len. x86 reads at most 15.
 *  out: filled as described above; caller-owned.
 * Returns MMIOEMU_OK for an instruction with a memory operand;
 * MMIOEMU_ERR_NO_MEMORY_OPERAND (valid, length set); MMIOEMU_ERR_TRUNCATED
 * (out->length = bytes needed, > len); MMIOEMU_ERR_INVALID; MMIOEMU_ERR_ARG
 * (NULL pointer, mode/backend out of range); MMIOEMU_ERR_UNSUPPORTED (backend
 * not built in, or it cannot decode this mode). */
mmioemu_status mmioemu_decode(mmioemu_backend backend, mmioemu_mode mode, const uint8_t *code,
                              size_t len, mmioemu_insn *out);

/* arm64 data-abort syndrome fast path (ESR_ELx, EC 0x24/0x25).
 * ISV=1: fills a READ/WRITE descriptor from SAS, SSE, SRT (31 = XZR), SF, AR,
 *        WnR; mem.base is NONE (the address is the fault address), length 4.
 * CM=1 (cache maintenance): KIND_FLUSH, no data access.
 * ISV=0: MMIOEMU_ERR_UNSUPPORTED: the caller must fetch and decode the
 *        instruction with mmioemu_decode(..., MMIOEMU_ARM64, ...).
 * Not a data abort EC: MMIOEMU_ERR_ARG. S1PTW=1 (stage-1 walk fault, not a
 * device access): MMIOEMU_ERR_DENIED. */
mmioemu_status mmioemu_decode_arm64_esr(uint64_t esr, mmioemu_insn *out);

/* Printable names: "read", "ah", "xmm3", "w5"... Static strings, never NULL. */
const char *mmioemu_kind_name(mmioemu_kind k);
const char *mmioemu_op_name(mmioemu_op op);
const char *mmioemu_ext_name(mmioemu_ext e);
/* Name of register `reg` at `width` bytes in `mode` ("ch", "r8b", "eax",
 * "xmm3"/"ymm3"/"zmm3", "w5", "x5", "sp", "wzr", "q3"). */
const char *mmioemu_reg_name(mmioemu_mode mode, uint8_t reg, unsigned width);

#ifdef __cplusplus
}
#endif

#endif
