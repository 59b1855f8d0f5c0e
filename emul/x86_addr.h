/* x86 address computation: effective address (base + index<<shift + disp,
 * wrapped at the address size), segment bases, and the checks the CPU
 * itself makes (segment type and limit, canonical form, alignment for #AC).
 * The 64-bit-mode path is inline: it runs for every operand (twice per
 * string element); the segment checks of the other modes are in
 * x86_addr.c. Pure: no callbacks. */
#ifndef MMIOEMU_EMUL_X86_ADDR_H
#define MMIOEMU_EMUL_X86_ADDR_H

#include <mmioemu/emulate.h>

#include "../lib/bytes.h"

enum { X86_VEC_GP = 13, X86_VEC_SS = 12, X86_VEC_AC = 17, X86_VEC_UD = 6 };

/* Linear-address width checked for canonical form (4-level paging).
 * With LA57 the CPU accepts more; we stay strict and refuse those. */
#define X86_VA_BITS 48

/* x86_addr.c */
void x86_raise(mmioemu_result *res, unsigned vector, uint32_t error_code);
/* #GP(0), or #SS(0) for a stack-segment reference: EXCEPTION. */
mmioemu_status x86_raise_segment(mmioemu_result *res, unsigned seg);
/* x86_linear outside 64-bit mode (segment type, limit, 32-bit wrap). */
mmioemu_status x86_linear_legacy(const mmioemu_cpu *cpu, unsigned seg, uint64_t off, unsigned size,
                                 bool write, uint64_t *la, mmioemu_result *res);

/* Offset (effective address) of the memory operand, plus `extra` bytes,
 * wrapped to mem.addr_size. RIP-relative counts from the instruction's end. */
static inline uint64_t x86_effective(const mmioemu_insn *insn, const mmioemu_cpu *cpu,
                                     int64_t extra)
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

static inline bool x86_canonical(uint64_t la)
{
    return (uint64_t)((int64_t)(la << (64 - X86_VA_BITS)) >> (64 - X86_VA_BITS)) == la;
}

/* Outside 64-bit mode linear addresses are 32 bits and wrap past
 * 0xffffffff (x86_linear, plan_operand.wrap32). */
static inline bool x86_la_wraps32(const mmioemu_cpu *cpu)
{
    return cpu->mode != MMIOEMU_X86_64;
}

/* Segment `seg`:`off` -> linear address of an access of `size` bytes, with
 * the CPU's own checks: segment type/limit outside 64-bit mode, canonical
 * form in 64-bit mode. EXCEPTION (details in res) when the CPU would fault. */
static inline mmioemu_status x86_linear(const mmioemu_cpu *cpu, unsigned seg, uint64_t off,
                                        unsigned size, bool write, uint64_t *la,
                                        mmioemu_result *res)
{
    if (cpu->mode != MMIOEMU_X86_64)
        return x86_linear_legacy(cpu, seg, off, size, write, la, res);
    /* SDM Vol. 1 3.3.7.1: in 64-bit mode only FS and GS contribute a base. */
    uint64_t base = (seg == MMIOEMU_SEG_FS || seg == MMIOEMU_SEG_GS) ? cpu->u.x86.seg[seg].base : 0;
    *la = base + off;
    /* SDM Vol. 3A 3.3.7.1: every byte must be canonical. */
    if (!x86_canonical(*la) || !x86_canonical(*la + size - 1))
        return x86_raise_segment(res, seg);
    return MMIOEMU_OK;
}

/* #AC(0) for a misaligned 2/4/8-byte access at CPL 3 with CR0.AM and
 * RFLAGS.AC set (only reachable with MMIOEMU_POLICY_ALLOW_USER). */
static inline mmioemu_status x86_check_ac(const mmioemu_cpu *cpu, uint64_t la, unsigned size,
                                          mmioemu_result *res)
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

#endif
