/* x86 integer ALU results and status flags in portable C (no host pushf, so
 * the same answer on any host). Defined flags follow the SDM Vol. 2
 * instruction pages exactly; undefined ones are documented in docs/flags.md. */
#include "x86_emul.h"

#include "../lib/bytes.h"

#define STATUS_FLAGS                                                                               \
    (MMIOEMU_FLAG_CF | MMIOEMU_FLAG_PF | MMIOEMU_FLAG_AF | MMIOEMU_FLAG_ZF | MMIOEMU_FLAG_SF |     \
     MMIOEMU_FLAG_OF)

/* SDM Vol. 1 3.4.3.1: PF is set when the low byte has an even number of 1s. */
static uint64_t parity_flag(uint64_t r)
{
    uint8_t b = (uint8_t)r;
    b ^= b >> 4;
    b ^= b >> 2;
    b ^= b >> 1;
    return (b & 1) ? 0 : MMIOEMU_FLAG_PF;
}

/* ZF, SF, PF of a result of `size` bytes. */
static inline __attribute__((always_inline)) uint64_t zsp(uint64_t r, unsigned size)
{
    uint64_t sign = 1ull << (8 * size - 1);
    r &= mm_mask(size);
    return (r ? 0 : MMIOEMU_FLAG_ZF) | ((r & sign) ? MMIOEMU_FLAG_SF : 0) | parity_flag(r);
}

/* Flags of r = a + b + c (c = carry in): CF unsigned carry out, OF signed
 * overflow, AF carry out of bit 3. */
static inline __attribute__((always_inline)) uint64_t add_flags(uint64_t a, uint64_t b, uint64_t c,
                                                                uint64_t r, unsigned size)
{
    uint64_t m = mm_mask(size), sign = 1ull << (8 * size - 1), f = zsp(r, size);
    a &= m, b &= m, r &= m;
    if (r < a || (c && r == a))
        f |= MMIOEMU_FLAG_CF;
    if ((a ^ r) & (b ^ r) & sign)
        f |= MMIOEMU_FLAG_OF;
    if ((a ^ b ^ r) & 0x10)
        f |= MMIOEMU_FLAG_AF;
    return f;
}

/* Flags of r = a - b - c: CF borrow, OF signed overflow, AF borrow from bit 4. */
static inline __attribute__((always_inline)) uint64_t sub_flags(uint64_t a, uint64_t b, uint64_t c,
                                                                uint64_t r, unsigned size)
{
    uint64_t m = mm_mask(size), sign = 1ull << (8 * size - 1), f = zsp(r, size);
    a &= m, b &= m, r &= m;
    if (a < b || (c && a == b))
        f |= MMIOEMU_FLAG_CF;
    if ((a ^ b) & (a ^ r) & sign)
        f |= MMIOEMU_FLAG_OF;
    if ((a ^ b ^ r) & 0x10)
        f |= MMIOEMU_FLAG_AF;
    return f;
}

uint64_t x86_alu(unsigned op, unsigned size, uint64_t dst, uint64_t src, uint64_t *rflags)
{
    uint64_t m = mm_mask(size), cf = *rflags & MMIOEMU_FLAG_CF ? 1 : 0, r, f;
    uint64_t keep = *rflags & ~(uint64_t)STATUS_FLAGS;
    dst &= m, src &= m;
    switch (op) {
    case MMIOEMU_OP_ADD: r = dst + src, f = add_flags(dst, src, 0, r, size); break;
    case MMIOEMU_OP_ADC: r = dst + src + cf, f = add_flags(dst, src, cf, r, size); break;
    case MMIOEMU_OP_SUB:
    case MMIOEMU_OP_CMP: r = dst - src, f = sub_flags(dst, src, 0, r, size); break;
    case MMIOEMU_OP_SBB: r = dst - src - cf, f = sub_flags(dst, src, cf, r, size); break;
    case MMIOEMU_OP_AND:
    case MMIOEMU_OP_TEST: /* SDM: OF, CF cleared; SF ZF PF by result; AF undefined (0,
                             docs/flags.md) */
        r = dst & src, f = zsp(r, size);
        break;
    case MMIOEMU_OP_OR: r = dst | src, f = zsp(r, size); break;
    case MMIOEMU_OP_XOR: r = dst ^ src, f = zsp(r, size); break;
    case MMIOEMU_OP_INC: /* SDM INC/DEC: CF not affected */
        r = dst + 1, f = add_flags(dst, 1, 0, r, size) & ~(uint64_t)MMIOEMU_FLAG_CF;
        f |= *rflags & MMIOEMU_FLAG_CF;
        break;
    case MMIOEMU_OP_DEC:
        r = dst - 1, f = sub_flags(dst, 1, 0, r, size) & ~(uint64_t)MMIOEMU_FLAG_CF;
        f |= *rflags & MMIOEMU_FLAG_CF;
        break;
    case MMIOEMU_OP_NEG: /* SDM NEG: CF = (source != 0); others as 0 - source */
        r = 0 - dst, f = sub_flags(0, dst, 0, r, size);
        break;
    case MMIOEMU_OP_NOT: /* SDM NOT: no flags affected */ return ~dst & m;
    default: return dst;
    }
    *rflags = keep | f;
    return r & m;
}

uint64_t x86_bt(unsigned op, uint64_t val, unsigned bit, uint64_t *rflags)
{
    uint64_t mask = 1ull << (bit & 63);
    /* SDM BT/BTS/BTR/BTC: CF = selected bit; ZF unaffected; OF SF AF PF
     * undefined: left unchanged (docs/flags.md). */
    *rflags = (*rflags & ~(uint64_t)MMIOEMU_FLAG_CF) | ((val & mask) ? MMIOEMU_FLAG_CF : 0);
    switch (op) {
    case MMIOEMU_OP_BTS: return val | mask;
    case MMIOEMU_OP_BTR: return val & ~mask;
    case MMIOEMU_OP_BTC: return val ^ mask;
    default: return val;
    }
}
