/* arm64 FEAT_LSE single-copy atomics (LD<op>, SWP, CAS) on a device or RAM
 * location, done entirely through the caller's cmpxchg callback: the device
 * sees one atomic operation per attempt and never a plain read. Computes the
 * old value only; a64_execute commits registers. */
#include "a64_emul.h"

#include "../lib/bytes.h"

/* Attempts before giving up with RETRY (same bound as the x86 LOCK forms). */
#define A64_ATOMIC_TRIES 16

static uint64_t gpr(const mmioemu_arm64_state *s, uint8_t r)
{
    return r <= 30 ? s->x[r] : 0; /* XZR */
}

/* Arm ARM C6.2 LDADD/LDCLR/LDEOR/LDSET/LDSMAX/LDSMIN/LDUMAX/LDUMIN/SWP:
 * the value stored, from the old memory value and Rs, at `size` bytes.
 * Out of line: inlined, its temporaries grow the retry loop's frame, which
 * sits under the cmpxchg callback, by 16 bytes (docs/stack.md). */
static __attribute__((noinline)) uint64_t atomic_op(uint8_t op, uint64_t old, uint64_t src,
                                                    unsigned size)
{
    uint64_t so = mm_sext(old, size), ss = mm_sext(src, size), v;
    switch (op) {
    case MMIOEMU_OP_ADD: v = old + src; break;
    case MMIOEMU_OP_ANDN: v = old & ~src; break;
    case MMIOEMU_OP_XOR: v = old ^ src; break;
    case MMIOEMU_OP_OR: v = old | src; break;
    case MMIOEMU_OP_SMAX: v = (int64_t)so > (int64_t)ss ? old : src; break;
    case MMIOEMU_OP_SMIN: v = (int64_t)so < (int64_t)ss ? old : src; break;
    case MMIOEMU_OP_UMAX: v = old > src ? old : src; break;
    case MMIOEMU_OP_UMIN: v = old < src ? old : src; break;
    default: v = src; break; /* SWP */
    }
    return v & mm_mask(size);
}

/* Value <-> memory bytes in the data endianness (B2.6.2). */
static void put(uint8_t *b, uint64_t v, unsigned size, bool be)
{
    if (be)
        mm_store_be(b, v, size);
    else
        mm_store_le(b, v, size);
}

static uint64_t get(const uint8_t *b, unsigned size, bool be)
{
    return be ? mm_load_be(b, size) : mm_load_le(b, size);
}

mmioemu_status a64_atomic_execute(const plan_ctx *pc, const mmioemu_insn *insn,
                                  const plan_list *plan, const mmioemu_arm64_state *s,
                                  uint64_t *old)
{
    unsigned size = insn->size;
    bool be = s->big_endian != 0, cas = insn->op == MMIOEMU_OP_CAS;
    uint64_t rs = gpr(s, insn->reg2) & mm_mask(size), rt = gpr(s, insn->reg) & mm_mask(size);
    uint8_t cur[8], nb[8];
    if (plan->count != 1 || !pc->ops || !pc->ops->cmpxchg)
        return MMIOEMU_ERR_UNSUPPORTED;
    /* First guess of the memory value: Rs for CAS (C6.2 CAS: store Rt if
     * memory == Rs), 0 otherwise; cmpxchg hands back the real value when the
     * guess is wrong, so no separate read ever reaches the device. */
    put(cur, cas ? rs : 0, size, be);
    for (unsigned t = 0; t < A64_ATOMIC_TRIES; t++) {
        uint64_t was = get(cur, size, be);
        put(nb, cas ? rt : atomic_op(insn->op, was, rs, size), size, be);
        int rc = pc->ops->cmpxchg(pc->ctx, plan->pa[0], cur, nb, size);
        if (rc == 0) {
            *old = was;
            return MMIOEMU_OK;
        }
        if (rc != 1)
            return MMIOEMU_ERR_CALLBACK;
        if (cas) { /* compare failed: no store, Rs receives the memory value */
            *old = get(cur, size, be);
            return MMIOEMU_OK;
        }
    }
    return MMIOEMU_ERR_RETRY;
}
