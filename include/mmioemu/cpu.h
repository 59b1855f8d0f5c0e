/* mmioemu: the vCPU state the emulator reads and updates.
 *
 * Caller-owned. The emulator reads what the instruction needs and writes only
 * on success (commit), so a caller may point it at its real vCPU save area
 * after converting to this layout. Vector storage is large (2 KiB on x86);
 * the emulator never copies the whole struct.
 */
#ifndef MMIOEMU_CPU_H
#define MMIOEMU_CPU_H

#include "insn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* x86 segment register as the address computation needs it.
 * attr uses the VMX access-rights layout (SDM Vol. 3C 24.4.1): bits 3:0 type,
 * 4 S, 6:5 DPL, 7 P, 13 L, 14 D/B, 15 G, 16 unusable. Only consulted outside
 * 64-bit mode (limit and expand-down checks) and for CS.D/B. */
typedef struct mmioemu_x86_seg {
    uint64_t base;
    uint32_t limit; /* byte-granular effective limit (already scaled by G) */
    uint16_t selector;
    uint16_t reserved;
    uint32_t attr;
    uint32_t reserved2;
} mmioemu_x86_seg;

enum {
    MMIOEMU_SEG_ATTR_EXPAND_DOWN = 1u << 2, /* data segment, type bit 2 */
    MMIOEMU_SEG_ATTR_WRITABLE = 1u << 1,    /* data segment, type bit 1 */
    MMIOEMU_SEG_ATTR_CODE = 1u << 3,
    MMIOEMU_SEG_ATTR_S = 1u << 4,
    MMIOEMU_SEG_ATTR_P = 1u << 7,
    MMIOEMU_SEG_ATTR_DB = 1u << 14,
    MMIOEMU_SEG_ATTR_G = 1u << 15,
    MMIOEMU_SEG_ATTR_UNUSABLE = 1u << 16,
};

/* RFLAGS bits the emulator reads or writes. */
enum {
    MMIOEMU_FLAG_CF = 1u << 0,
    MMIOEMU_FLAG_PF = 1u << 2,
    MMIOEMU_FLAG_AF = 1u << 4,
    MMIOEMU_FLAG_ZF = 1u << 6,
    MMIOEMU_FLAG_SF = 1u << 7,
    MMIOEMU_FLAG_TF = 1u << 8,
    MMIOEMU_FLAG_IF = 1u << 9,
    MMIOEMU_FLAG_DF = 1u << 10,
    MMIOEMU_FLAG_OF = 1u << 11,
    MMIOEMU_FLAG_AC = 1u << 18,
};

typedef struct mmioemu_x86_state {
    uint64_t gpr[16]; /* MMIOEMU_REG_RAX..R15 */
    uint64_t rip;
    uint64_t rflags;
    mmioemu_x86_seg seg[6]; /* MMIOEMU_SEG_ES..GS */
    uint64_t cr0;           /* AM (bit 18) for alignment checks at CPL 3 */
    uint8_t cpl;            /* 0..3 */
    uint8_t reserved[7];
    /* ZMM0..31, lowest byte first; XMMn is bytes 0..15, YMMn 0..31. Only
     * touched by vector moves. Legacy-SSE loads leave bytes 16..63 alone;
     * VEX/EVEX loads zero them (maximum vector length 64). */
    uint8_t zmm[32][64];
} mmioemu_x86_state;

typedef struct mmioemu_arm64_state {
    uint64_t x[31]; /* X0..X30 */
    uint64_t sp;    /* SP of the current EL */
    uint64_t pc;
    uint32_t nzcv;      /* PSTATE.NZCV in bits 31:28 (as MRS NZCV reads) */
    uint8_t el;         /* 0..3 */
    uint8_t big_endian; /* data endianness for this EL: SCTLR_ELx.EE / E0E */
    uint8_t reserved[2];
    uint8_t v[32][16]; /* V0..V31, lowest byte first (little-endian element order) */
} mmioemu_arm64_state;

typedef struct mmioemu_cpu {
    uint32_t mode; /* mmioemu_mode: selects the union member */
    uint32_t reserved;
    union {
        mmioemu_x86_state x86;
        mmioemu_arm64_state arm64;
    } u;
} mmioemu_cpu;

#ifdef __cplusplus
}
#endif

#endif
