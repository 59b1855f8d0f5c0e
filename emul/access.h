/* Architecture-neutral planning and data movement, shared by the x86 and
 * arm64 emulators: split an operand into pieces at page and region
 * boundaries, give each a physical address and an MMIO/RAM mark, apply the
 * policy, check the operands against the reported fault, and move the bytes
 * of a planned operand through the caller's callbacks.
 * Nothing here knows an instruction set. */
#ifndef MMIOEMU_EMUL_ACCESS_H
#define MMIOEMU_EMUL_ACCESS_H

#include <mmioemu/emulate.h>

#define PLAN_PAGE_SIZE 4096u
#define PLAN_PAGE_MASK ((uint64_t)PLAN_PAGE_SIZE - 1)

/* Everything the planners need besides the instruction and the registers. */
typedef struct plan_ctx {
    const mmioemu_ops *ops; /* may be NULL */
    void *ctx;
    const mmioemu_fault *fault;   /* may be NULL: no fault check */
    const mmioemu_policy *policy; /* never NULL (defaults substituted by the caller) */
    bool check_fault;             /* false for string elements after the first */
} plan_ctx;

/* One operand of an instruction before it is split: linear address, size,
 * direction (MMIOEMU_ACC_WRITE, for read-modify-write both are set through
 * `rmw`), and MMIOEMU_ACC_SECOND for the second operand. */
typedef struct plan_operand {
    uint64_t la;
    uint32_t size;
    uint16_t acc_flags; /* MMIOEMU_ACC_WRITE / MMIOEMU_ACC_SECOND */
    bool rmw;           /* read then written: both directions must be allowed */
    bool wrap32;        /* x86 outside 64-bit mode: linear addresses are 32 bits (SDM
                           Vol. 3A 4.1: 32-bit paging and PAE map 32-bit linear
                           addresses): the bytes past 0xffffffff continue at 0 */
} plan_operand;

/* The planned pieces, as the emulator keeps them: the public
 * mmioemu_access_list minus each piece's linear address (nothing executes
 * by it; the public planners give each operand's, and a piece's is that
 * plus its offset: plan_list_to_public), in arrays so nothing pads.
 * 96 bytes instead of 200: it is the biggest local on mmioemu_emulate's
 * stack (docs/stack.md). Sizes and offsets are 8-bit: an operand is at most
 * 64 bytes (MOVDIR64B, ZMM), and mmioemu_execute refuses a public plan with
 * a bigger piece (emulate.c). Pieces of one operand are consecutive, in
 * address order; operand 1 is the one marked MMIOEMU_ACC_SECOND. */
typedef struct plan_list {
    uint64_t pa[MMIOEMU_MAX_ACCESSES];
    uint8_t size[MMIOEMU_MAX_ACCESSES];
    uint8_t offset[MMIOEMU_MAX_ACCESSES];
    uint8_t flags[MMIOEMU_MAX_ACCESSES]; /* MMIOEMU_ACC_* (all defined bits fit) */
    uint32_t count;
} plan_list;

/* Public <-> internal form. to_public fills pieces [from, count); a piece's
 * linear address is its operand's, op_la[0] (op_la[1] for a piece marked
 * MMIOEMU_ACC_SECOND), plus its offset, masked by la_mask (0xffffffff for
 * x86 outside 64-bit mode, plan_operand.wrap32). */
void plan_list_from_public(const mmioemu_access_list *in, plan_list *out);
void plan_list_to_public(const plan_list *in, uint32_t from, const uint64_t op_la[2],
                         uint64_t la_mask, mmioemu_access_list *out);

/* Is operand `op` accessed in the direction the trap reported? */
static inline bool plan_dir_matches(const mmioemu_fault *f, const plan_operand *op)
{
    if (!(f->flags & MMIOEMU_FAULT_DIR) || op->rmw)
        return true;
    bool w = (f->flags & MMIOEMU_FAULT_WRITE) != 0;
    return w == ((op->acc_flags & MMIOEMU_ACC_WRITE) != 0);
}

/* Does some byte of the operand have page offset `off`? Operands are at most
 * 64 bytes, so at most one byte of each page can match. */
static inline bool plan_covers_page_offset(const plan_operand *op, uint64_t off)
{
    if (op->size >= PLAN_PAGE_SIZE)
        return true;
    return ((off - (op->la & PLAN_PAGE_MASK)) & PLAN_PAGE_MASK) < op->size;
}

/* Fault check over all operands of one instruction (CVE-2024-25742):
 * with a GLA, it must fall inside one operand and, if the trap gave a
 * direction, that operand must be accessed that way; with only a GPA, its
 * page offset must fall inside one operand's bytes on some page.
 * Returns OK or MMIOEMU_ERR_ADDRESS_MISMATCH. No-op without pc->check_fault. */
static inline mmioemu_status plan_check_fault(const plan_ctx *pc, const plan_operand *ops,
                                              unsigned n)
{
    const mmioemu_fault *f = pc->fault;
    if (!pc->check_fault || !f)
        return MMIOEMU_OK;
    bool gla = (f->flags & MMIOEMU_FAULT_GLA) != 0, gpa = (f->flags & MMIOEMU_FAULT_GPA) != 0;
    if (!gla && !gpa)
        return MMIOEMU_OK;
    /* A GLA and a GPA of one trap name the same byte: same page offset. */
    if (gla && gpa && ((f->gla ^ f->gpa) & PLAN_PAGE_MASK))
        return MMIOEMU_ERR_ADDRESS_MISMATCH;
    for (unsigned i = 0; i < n; i++) {
        const plan_operand *op = &ops[i];
        if (!op->size || !plan_dir_matches(f, op))
            continue;
        uint64_t d = f->gla - op->la; /* byte of the operand the GLA names */
        if (op->wrap32)
            d = (uint32_t)d;
        if (gla ? d < op->size : plan_covers_page_offset(op, f->gpa & PLAN_PAGE_MASK))
            return MMIOEMU_OK;
    }
    return MMIOEMU_ERR_ADDRESS_MISMATCH;
}

/* Append the pieces of one operand to `out`, in address order: split at
 * every 4 KiB page and every region / is_mmio span boundary; physical
 * address from the fault's GPA for the faulting page, else `translate`, else
 * identity under MMIOEMU_POLICY_IDENTITY, else MMIOEMU_ERR_DENIED; MMIO
 * when a region holds it, else when is_mmio says so, else when it is the
 * faulting page. Policy: NO_SPLIT -> SPLIT, NO_RAM -> DENIED for RAM
 * pieces, REGIONS_ONLY -> DENIED for MMIO pieces outside regions, region
 * READ_ONLY/WRITE_ONLY vs direction -> DENIED. More than
 * MMIOEMU_MAX_ACCESSES pieces -> MMIOEMU_ERR_UNSUPPORTED. */
mmioemu_status plan_add(const plan_ctx *pc, const plan_operand *op, plan_list *out);
/* plan_add for a public planner: also records the operand's linear address
 * in op_la (indexed as in plan_list_to_public) unless op_la is NULL, as it
 * is on mmioemu_emulate's paths, where the store folds away. */
static inline __attribute__((always_inline)) mmioemu_status
plan_add_la(const plan_ctx *pc, const plan_operand *op, plan_list *out, uint64_t *op_la)
{
    if (op_la)
        op_la[(op->acc_flags & MMIOEMU_ACC_SECOND) ? 1 : 0] = op->la;
    return plan_add(pc, op, out);
}
/* The same on a public list (pieces already in `out` are kept). */
mmioemu_status plan_add_operand(const plan_ctx *pc, const plan_operand *op,
                                mmioemu_access_list *out);

/* Read all pieces of the first (second = false) or second operand into
 * buf, in operand byte order, through mmio_read / ram_read.
 * Returns OK, CALLBACK, or UNSUPPORTED (needed callback is NULL). */
mmioemu_status exec_read(const mmioemu_ops *ops, void *ctx, const plan_list *l, bool second,
                         uint8_t *buf);

/* Write buf to all pieces of the chosen operand through mmio_write /
 * ram_write, in plan order. Same returns. */
mmioemu_status exec_write(const mmioemu_ops *ops, void *ctx, const plan_list *l, bool second,
                          const uint8_t *buf);

/* exec_read (write = false) or exec_write, inline: a caller that holds
 * little else calls the callbacks from its own frame, one call level (56
 * bytes of stack) less (docs/stack.md). buf is only read when writing. */
static inline __attribute__((always_inline)) mmioemu_status exec_move(const mmioemu_ops *ops,
                                                                      void *ctx, const plan_list *l,
                                                                      bool second, uint8_t *buf,
                                                                      bool write)
{
    for (uint32_t i = 0; i < l->count; i++) { /* every needed callback present? */
        if (((l->flags[i] & MMIOEMU_ACC_SECOND) != 0) != second)
            continue;
        bool mmio = (l->flags[i] & MMIOEMU_ACC_MMIO) != 0;
        if (!ops || (write ? (mmio ? !ops->mmio_write : !ops->ram_write)
                           : (mmio ? !ops->mmio_read : !ops->ram_read)))
            return MMIOEMU_ERR_UNSUPPORTED;
    }
    for (uint32_t i = 0; i < l->count; i++) {
        if (((l->flags[i] & MMIOEMU_ACC_SECOND) != 0) != second)
            continue;
        uint8_t *p = buf + l->offset[i];
        int rc;
        if (l->flags[i] & MMIOEMU_ACC_MMIO)
            rc = write ? ops->mmio_write(ctx, l->pa[i], p, l->size[i])
                       : ops->mmio_read(ctx, l->pa[i], p, l->size[i]);
        else
            rc = write ? ops->ram_write(ctx, l->pa[i], p, l->size[i])
                       : ops->ram_read(ctx, l->pa[i], p, l->size[i]);
        if (rc)
            return MMIOEMU_ERR_CALLBACK;
    }
    return MMIOEMU_OK;
}

/* The same two on a public list. */
mmioemu_status exec_read_operand(const mmioemu_ops *ops, void *ctx, const mmioemu_access_list *l,
                                 bool second, uint8_t *buf);
mmioemu_status exec_write_operand(const mmioemu_ops *ops, void *ctx, const mmioemu_access_list *l,
                                  bool second, const uint8_t *buf);

#endif
