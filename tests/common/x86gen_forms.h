/* The form table of the x86 MMIO-form generator: one row per instruction
 * form, transcribed from the SDM Vol. 2 opcode tables (not from our
 * decoder). Internal to tests/common/x86gen_*.c. */
#ifndef X86GEN_FORMS_H
#define X86GEN_FORMS_H

#include <stdint.h>

enum { E_LEG, E_VEX, E_EVEX, E_MOFFS, E_STR, E_DIR64B };
/* memory operand size classes */
enum { S_B, S_V, S_V32, S_W, S_D, S_Q, S_X, S_VL, S_DQ, S_CX, S_Z };
enum { I_NONE, I_B, I_Z };
/* row flags */
enum {
    F_LOCK = 1u << 0,   /* LOCK allowed (SDM Vol. 2A 3.2 LOCK: ADD..XOR, BT*, CMPXCHG*, DEC/INC,
                           NEG/NOT, XADD, XCHG) */
    F_ALIGN = 1u << 1,  /* #GP(0) unless aligned to the operand size */
    F_KVMCPU = 1u << 2, /* KVM's emulator refuses it (FIELD-NOTES, verified in docs/oracles.md) */
    F_REQ = 1u << 3,    /* issue 4 names it: the emulator must support it */
    F_XMM = 1u << 4,    /* ModRM.reg is a vector register */
    F_BTREG = 1u << 5,  /* ModRM.reg is a bit offset that moves the address */
    F_RAXEQ = 1u << 6,  /* bias the accumulator to equal memory (CMPXCHG) */
    F_REGV = 1u << 7,   /* 66/REX.W pick the register size only (MOVZX...) */
    F_W1 = 1u << 8,     /* VEX/EVEX.W1 (or REX.W) is part of the opcode */
    F_WRITE = 1u << 9,  /* writes memory (for "the trap must happen" placement) */
    F_NOLOCK_SPLIT = 1u << 10, /* implicitly locked: never split (XCHG) */
    F_XCHG = 1u << 11,
    F_STOS = 1u << 12, /* string: destination only */
    F_LODS = 1u << 13, /* string: source only */
    F_ACC = 1u << 14,  /* data register is the accumulator (moffs) */
    F_NO66 = 1u << 15, /* 66 would change the form (SSE) */
    F_REXW = 1u << 16, /* REX.W is part of the opcode (MOVSXD, MOVQ 66 REX.W 0F 6E) */
};
/* RFLAGS bits */
#define UF_ALL 0x8d5u  /* OF SF ZF AF PF CF */
#define UF_LOGIC 0x10u /* AF undefined after AND/OR/XOR/TEST (SDM) */
#define UF_BT 0x894u   /* BT*: OF SF AF PF undefined (SDM Vol. 2A BT) */

typedef struct x86gen_form {
    const char *name;
    uint8_t group, enc, pfx, map, op;
    int8_t ext; /* ModRM.reg digit, -1 = /r */
    uint8_t msz, imm;
    uint32_t fl;
    uint16_t undef;  /* RFLAGS bits undefined after it */
    uint8_t vl_mask; /* VEX/EVEX: allowed L (bit0 128, bit1 256, bit2 512) */
} x86gen_form;

extern const x86gen_form x86gen_form_table[];
extern const unsigned x86gen_form_table_n;

#endif
