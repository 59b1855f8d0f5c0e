/* x86 register access: THE one place that knows register widths, the
 * high-byte registers, 32-bit zero-extension and 8/16-bit merging, and the
 * vector register zeroing rules. Pure functions on mmioemu_x86_state. */
#include "x86_emul.h"

#include "../lib/bytes.h"

/* SDM Vol. 1 3.4.1.1: AH/CH/DH/BH are bits 15:8 of RAX/RCX/RDX/RBX. The
 * decoder reports them as distinct numbers, so AH can never be SPL. */
static bool is_high_byte(unsigned reg)
{
    return reg >= MMIOEMU_REG_AH && reg <= MMIOEMU_REG_BH;
}

static unsigned slot_of(unsigned reg)
{
    return is_high_byte(reg) ? reg - MMIOEMU_REG_AH : reg & 15;
}

uint64_t x86_reg_get(const mmioemu_x86_state *x, unsigned reg, unsigned size)
{
    if (is_high_byte(reg))
        return (x->gpr[reg - MMIOEMU_REG_AH] >> 8) & 0xff;
    if (reg >= 16)
        return 0;
    return x->gpr[reg] & mm_mask(size);
}

/* New 64-bit value of the register holding `reg` after writing v at size. */
static uint64_t merged(uint64_t old, unsigned reg, unsigned size, uint64_t v)
{
    if (is_high_byte(reg))
        return (old & ~0xff00ull) | ((v & 0xff) << 8);
    switch (size) {
    case 1: return (old & ~0xffull) | (v & 0xff);
    case 2: return (old & ~0xffffull) | (v & 0xffff);
    case 4: /* SDM Vol. 1 3.4.1.1: 32-bit results are zero-extended to 64 bits */
        return v & 0xffffffffull;
    default: return v;
    }
}

void x86_reg_set(mmioemu_x86_state *x, unsigned reg, unsigned size, uint64_t v)
{
    if (reg >= 20)
        return; /* not a GPR: nothing written */
    unsigned slot = slot_of(reg);
    x->gpr[slot] = merged(x->gpr[slot], reg, size, v);
}

uint64_t x86_next_rip(const mmioemu_cpu *cpu, unsigned len)
{
    uint64_t rip = cpu->u.x86.rip;
    switch (cpu->mode) {
    case MMIOEMU_X86_64: return rip + len;
    case MMIOEMU_X86_32: /* EIP wraps at 32 bits */ return (uint32_t)(rip + len);
    default: /* IP wraps at 16 bits; the upper bits keep their value */
        return (rip & ~0xffffull) | ((rip + len) & 0xffff);
    }
}

void x86_vec_load(mmioemu_x86_state *x, const mmioemu_insn *insn, const uint8_t *buf)
{
    uint8_t *v = x->zmm[(insn->reg - MMIOEMU_REG_V0) & 31];
    unsigned size = insn->size > 64 ? 64 : insn->size, top = size;
    if (insn->flags & (MMIOEMU_F_VEX | MMIOEMU_F_EVEX))
        top = 64; /* SDM Vol. 1 14.1.3 / 15.5: VEX/EVEX zero up to the maximum vector length */
    else if (insn->ext == MMIOEMU_EXT_ZERO && size < 16)
        top = 16; /* SDM MOVD/MOVQ, MOVSS/MOVSD from memory: rest of the XMM cleared */
    mm_copy(v, buf, size);
    mm_zero(v + size, top - size);
}
