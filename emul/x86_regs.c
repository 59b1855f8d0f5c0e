/* x86 register state beside the GPR helpers of x86_regs.h: the instruction
 * pointer's wrap and the vector register zeroing rules. Pure functions on
 * mmioemu_x86_state. */
#include "x86_emul.h"

#include "../lib/bytes.h"

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
