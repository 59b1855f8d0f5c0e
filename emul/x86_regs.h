/* x86 general-register access: THE one place that knows register widths,
 * the high-byte registers, 32-bit zero-extension and 8/16-bit merging. Every
 * GPR read or write of the emulator goes through x86_reg_get/x86_reg_set;
 * RIP advances through x86_next_rip. Inline: they run several times per
 * instruction (a string element writes rSI, rDI and rCX), and as leaves
 * they cost a call level of stack each. */
#ifndef MMIOEMU_EMUL_X86_REGS_H
#define MMIOEMU_EMUL_X86_REGS_H

#include <mmioemu/cpu.h>
#include <mmioemu/emulate.h>
#include <mmioemu/insn.h>

#include "../lib/bytes.h"

/* SDM Vol. 1 3.4.1.1: AH/CH/DH/BH are bits 15:8 of RAX/RCX/RDX/RBX. The
 * decoder reports them as distinct numbers, so AH can never be SPL. */
static inline bool x86_is_high_byte(unsigned reg)
{
    return reg >= MMIOEMU_REG_AH && reg <= MMIOEMU_REG_BH;
}

static inline unsigned x86_slot_of(unsigned reg)
{
    return x86_is_high_byte(reg) ? reg - MMIOEMU_REG_AH : reg & 15;
}

/* Value of register `reg` (0..15, or MMIOEMU_REG_AH..BH) at `size` bytes. */
static inline uint64_t x86_reg_get(const mmioemu_x86_state *x, unsigned reg, unsigned size)
{
    if (x86_is_high_byte(reg))
        return (x->gpr[reg - MMIOEMU_REG_AH] >> 8) & 0xff;
    if (reg >= 16)
        return 0;
    return x->gpr[reg] & mm_mask(size);
}

/* New 64-bit value of the register holding `reg` after writing v at size. */
static inline uint64_t x86_merged(uint64_t old, unsigned reg, unsigned size, uint64_t v)
{
    if (x86_is_high_byte(reg))
        return (old & ~0xff00ull) | ((v & 0xff) << 8);
    switch (size) {
    case 1: return (old & ~0xffull) | (v & 0xff);
    case 2: return (old & ~0xffffull) | (v & 0xffff);
    case 4: /* SDM Vol. 1 3.4.1.1: 32-bit results are zero-extended to 64 bits */
        return v & 0xffffffffull;
    default: return v;
    }
}

/* "reg (at size bytes) = v", done now: 1/2 bytes merge into the old value,
 * 4 zero-extends to 64 (SDM Vol. 1 3.4.1.1), 8 replaces; AH..BH are bits
 * 15:8. Callers write only once every callback has succeeded, so an error
 * leaves the vCPU untouched. */
static inline void x86_reg_set(mmioemu_x86_state *x, unsigned reg, unsigned size, uint64_t v)
{
    if (reg >= 20)
        return; /* not a GPR: nothing written */
    unsigned slot = x86_slot_of(reg);
    x->gpr[slot] = x86_merged(x->gpr[slot], reg, size, v);
}

/* RIP after an instruction of `len` bytes, wrapped to the mode's IP width. */
static inline uint64_t x86_next_rip(const mmioemu_cpu *cpu, unsigned len)
{
    uint64_t rip = cpu->u.x86.rip;
    switch (cpu->mode) {
    case MMIOEMU_X86_64: return rip + len;
    case MMIOEMU_X86_32: /* EIP wraps at 32 bits */ return (uint32_t)(rip + len);
    default: /* IP wraps at 16 bits; the upper bits keep their value */
        return (rip & ~0xffffull) | ((rip + len) & 0xffff);
    }
}

#endif
