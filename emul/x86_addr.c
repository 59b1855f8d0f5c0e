/* x86 address computation outside 64-bit mode: the segment checks the CPU
 * itself makes (type and limit), and raising an exception for the caller.
 * The effective address and the 64-bit path are inline in x86_addr.h. Pure:
 * no callbacks. */
#include "x86_emul.h"

#include "../lib/bytes.h"

void x86_raise(mmioemu_result *res, unsigned vector, uint32_t error_code)
{
    if (!res)
        return;
    res->vector = (uint8_t)vector;
    res->error_code = error_code;
    /* SDM Vol. 3A 6.3.1 / Table 6-1: #GP, #SS, #AC push an error code; #UD does not. */
    res->has_error_code = vector != X86_VEC_UD;
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

mmioemu_status x86_linear_legacy(const mmioemu_cpu *cpu, unsigned seg, uint64_t off, unsigned size,
                                 bool write, uint64_t *la, mmioemu_result *res)
{
    const mmioemu_x86_seg *s = &cpu->u.x86.seg[seg > MMIOEMU_SEG_GS ? MMIOEMU_SEG_DS : seg];
    if ((s->attr & MMIOEMU_SEG_ATTR_UNUSABLE) || !type_allows(s->attr, write) ||
        !within_limit(s, off, size))
        return x86_raise_segment(res, seg);
    /* Outside 64-bit mode linear addresses are 32 bits and wrap. */
    *la = (s->base + off) & 0xffffffffull;
    return MMIOEMU_OK;
}

mmioemu_status x86_raise_segment(mmioemu_result *res, unsigned seg)
{
    /* #SS(0) instead of #GP(0) for stack-segment references (SDM Vol. 3A 6.15). */
    x86_raise(res, seg == MMIOEMU_SEG_SS ? X86_VEC_SS : X86_VEC_GP, 0);
    return MMIOEMU_ERR_EXCEPTION;
}
