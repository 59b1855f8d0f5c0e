/* x86 address computation: effective address (base + index<<shift + disp,
 * wrapped at the address size), segment bases, and the checks the CPU
 * itself makes (segment type and limit, canonical form). Pure: no callbacks. */
#include "x86_emul.h"

#include "../lib/bytes.h"

/* Linear-address width checked for canonical form (4-level paging).
 * With LA57 the CPU accepts more; we stay strict and refuse those. */
#define X86_VA_BITS 48

void x86_raise(mmioemu_result *res, unsigned vector, uint32_t error_code)
{
    if (!res)
        return;
    res->vector = (uint8_t)vector;
    res->error_code = error_code;
    /* SDM Vol. 3A 6.3.1 / Table 6-1: #GP, #SS, #AC push an error code; #UD does not. */
    res->has_error_code = vector != X86_VEC_UD;
}

uint64_t x86_effective(const mmioemu_insn *insn, const mmioemu_cpu *cpu, int64_t extra)
{
    const mmioemu_mem *m = &insn->mem;
    const mmioemu_x86_state *x = &cpu->u.x86;
    uint64_t off = (uint64_t)m->disp + (uint64_t)extra;
    if (m->base == MMIOEMU_REG_RIP)
        off += x->rip + insn->length; /* SDM Vol. 2A 2.2.1.6: relative to the next instruction */
    else if (m->base < 16)
        off += x->gpr[m->base];
    if (m->index < 16)
        off += x->gpr[m->index] << (m->shift & 3);
    /* SDM Vol. 1 3.3.7: the sum wraps at the address size (67 prefix) */
    return off & mm_mask(m->addr_size ? m->addr_size : 8);
}

static bool canonical(uint64_t la)
{
    return (uint64_t)((int64_t)(la << (64 - X86_VA_BITS)) >> (64 - X86_VA_BITS)) == la;
}

/* SDM Vol. 3A 5.4 / 5.5: data-segment type checks, only when the caller gave
 * real attributes (S and P set); zeroed attributes mean "flat, base + limit". */
static bool type_allows(uint32_t attr, bool write)
{
    if ((attr & (MMIOEMU_SEG_ATTR_S | MMIOEMU_SEG_ATTR_P)) !=
        (MMIOEMU_SEG_ATTR_S | MMIOEMU_SEG_ATTR_P))
        return true;
    if (attr & MMIOEMU_SEG_ATTR_CODE) /* code: never writable; readable when type bit 1 */
        return !write && (attr & MMIOEMU_SEG_ATTR_WRITABLE);
    return !write || (attr & MMIOEMU_SEG_ATTR_WRITABLE);
}

/* SDM Vol. 3A 5.3: expand-up: last byte <= limit; expand-down: first byte >
 * limit and last byte <= 0xffff or 0xffffffff by the D/B bit. */
static bool within_limit(const mmioemu_x86_seg *s, uint64_t off, unsigned size)
{
    uint64_t last = off + size - 1;
    bool down =
        (s->attr & (MMIOEMU_SEG_ATTR_S | MMIOEMU_SEG_ATTR_CODE | MMIOEMU_SEG_ATTR_EXPAND_DOWN)) ==
        (MMIOEMU_SEG_ATTR_S | MMIOEMU_SEG_ATTR_EXPAND_DOWN);
    if (!down)
        return last <= s->limit;
    uint64_t upper = (s->attr & MMIOEMU_SEG_ATTR_DB) ? 0xffffffffull : 0xffffull;
    return off > s->limit && last <= upper;
}

mmioemu_status x86_linear(const mmioemu_cpu *cpu, unsigned seg, uint64_t off, unsigned size,
                          bool write, uint64_t *la, mmioemu_result *res)
{
    const mmioemu_x86_state *x = &cpu->u.x86;
    /* #SS(0) instead of #GP(0) for stack-segment references (SDM Vol. 3A 6.15). */
    unsigned vec = seg == MMIOEMU_SEG_SS ? X86_VEC_SS : X86_VEC_GP;
    if (seg > MMIOEMU_SEG_GS)
        seg = MMIOEMU_SEG_DS;
    if (cpu->mode == MMIOEMU_X86_64) {
        /* SDM Vol. 1 3.3.7.1: in 64-bit mode only FS and GS contribute a base. */
        uint64_t base = (seg == MMIOEMU_SEG_FS || seg == MMIOEMU_SEG_GS) ? x->seg[seg].base : 0;
        *la = base + off;
        /* SDM Vol. 3A 3.3.7.1: every byte must be canonical. */
        if (!canonical(*la) || !canonical(*la + size - 1)) {
            x86_raise(res, vec, 0);
            return MMIOEMU_ERR_EXCEPTION;
        }
        return MMIOEMU_OK;
    }
    const mmioemu_x86_seg *s = &x->seg[seg];
    if ((s->attr & MMIOEMU_SEG_ATTR_UNUSABLE) || !type_allows(s->attr, write) ||
        !within_limit(s, off, size)) {
        x86_raise(res, vec, 0);
        return MMIOEMU_ERR_EXCEPTION;
    }
    /* Outside 64-bit mode linear addresses are 32 bits and wrap. */
    *la = (s->base + off) & 0xffffffffull;
    return MMIOEMU_OK;
}

mmioemu_status x86_check_ac(const mmioemu_cpu *cpu, uint64_t la, unsigned size, mmioemu_result *res)
{
    const mmioemu_x86_state *x = &cpu->u.x86;
    /* SDM Vol. 3A 6.15 (#AC): CPL 3, CR0.AM and RFLAGS.AC set, and a word,
     * doubleword or quadword operand not aligned to its size. */
    if (x->cpl != 3 || !(x->cr0 & (1u << 18)) || !(x->rflags & MMIOEMU_FLAG_AC))
        return MMIOEMU_OK;
    if ((size == 2 || size == 4 || size == 8) && (la & (size - 1))) {
        x86_raise(res, X86_VEC_AC, 0);
        return MMIOEMU_ERR_EXCEPTION;
    }
    return MMIOEMU_OK;
}
