/* x86 vector registers beside the GPR and RIP helpers of x86_regs.h: the
 * zeroing rules of loads by encoding. Pure functions on mmioemu_x86_state. */
#include "x86_emul.h"

#include "../lib/bytes.h"

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
