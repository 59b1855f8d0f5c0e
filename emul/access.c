/* Architecture-neutral planning (emul/access.h): split operands at pages and
 * regions, give each piece a physical address and an MMIO/RAM mark, apply
 * the policy, check the fault, and move operand bytes through the callbacks.
 * Knows no instruction set; never calls a data callback while planning. */
#include "access.h"

#include "../lib/bytes.h"
#include "../lib/region_read.h"

/* Is the page holding linear `la` (a piece of `size` bytes) the faulting one?
 * With a GLA: same page. With a GPA only (first element of an instruction,
 * while the fault check applies): the piece holds the GPA's page offset. */
static bool on_fault_page(const plan_ctx *pc, uint64_t la, uint32_t size)
{
    const mmioemu_fault *f = pc->fault;
    if (!f)
        return false;
    if (f->flags & MMIOEMU_FAULT_GLA)
        return ((la ^ f->gla) & ~PLAN_PAGE_MASK) == 0;
    if (!(f->flags & MMIOEMU_FAULT_GPA) || !pc->check_fault)
        return false;
    return ((f->gpa - la) & PLAN_PAGE_MASK) < size;
}

/* Physical address of the page piece starting at linear `la`. */
static mmioemu_status piece_pa(const plan_ctx *pc, uint64_t la, uint32_t size, bool write,
                               uint64_t *pa, bool *fault_page)
{
    const mmioemu_fault *f = pc->fault;
    *fault_page = on_fault_page(pc, la, size);
    if (*fault_page && (f->flags & MMIOEMU_FAULT_GPA)) {
        *pa = (f->gpa & ~PLAN_PAGE_MASK) | (la & PLAN_PAGE_MASK);
        return MMIOEMU_OK;
    }
    if (pc->ops && pc->ops->translate) {
        if (pc->ops->translate(pc->ctx, la, pa, write))
            return MMIOEMU_ERR_CALLBACK;
        return MMIOEMU_OK;
    }
    if (pc->policy->flags & MMIOEMU_POLICY_IDENTITY) {
        *pa = la;
        return MMIOEMU_OK;
    }
    /* ARCHITECTURE.md: without translate such a piece is refused, never guessed. */
    return MMIOEMU_ERR_DENIED;
}

/* Classify physical [pa, pa+*len): MMIO or RAM, and shrink *len to the bytes
 * that share the answer. Applies region attributes and REGIONS_ONLY/NO_RAM. */
static mmioemu_status classify(const plan_ctx *pc, const plan_operand *op, uint64_t pa,
                               bool fault_page, uint32_t *len, bool *mmio, bool *in_region)
{
    const mmioemu_region_table *t = pc->policy->regions;
    uint64_t span = 0;
    mmioemu_region r;
    *in_region = false;
    if (region_read(t, pa, &r)) {
        bool w = (op->acc_flags & MMIOEMU_ACC_WRITE) || op->rmw;
        bool rd = !(op->acc_flags & MMIOEMU_ACC_WRITE) || op->rmw;
        if ((w && (r.attrs & MMIOEMU_REGION_READ_ONLY)) ||
            (rd && (r.attrs & MMIOEMU_REGION_WRITE_ONLY)))
            return MMIOEMU_ERR_DENIED;
        *in_region = true;
        *mmio = true;
        span = r.base + r.size - pa;
    } else {
        /* is_mmio's span first, the granule's after the call: nothing but
         * the walk's own state is live across the callback (docs/stack.md). */
        if (pc->ops && pc->ops->is_mmio) {
            if (pc->ops->is_mmio(pc->ctx, pa, mmio, &span))
                return MMIOEMU_ERR_CALLBACK;
        } else {
            *mmio = fault_page;
        }
        t = pc->policy->regions;
        if (t && t->granule) { /* a region may start at the next granule */
            uint64_t g = t->granule - (pa & ((uint64_t)t->granule - 1));
            if (!span || g < span)
                span = g;
        }
    }
    if (span && span < *len)
        *len = (uint32_t)span;
    if (*mmio && !*in_region && (pc->policy->flags & MMIOEMU_POLICY_REGIONS_ONLY))
        return MMIOEMU_ERR_DENIED;
    if (!*mmio && (pc->policy->flags & MMIOEMU_POLICY_NO_RAM))
        return MMIOEMU_ERR_DENIED;
    return MMIOEMU_OK;
}

/* Append one piece, merging with the previous one when it continues it and
 * neither lies in a region (RAM/is_mmio runs cut only at granule probes).
 * Only pieces of one page of one operand are ever merged, so contiguous
 * offsets mean contiguous linear addresses. */
static mmioemu_status append(plan_list *out, uint64_t pa, uint32_t len, uint32_t offset,
                             uint16_t flags, bool merge)
{
    uint32_t n = out->count;
    if (merge && n) {
        n--;
        if (out->flags[n] == flags && out->pa[n] + out->size[n] == pa &&
            out->offset[n] + out->size[n] == offset) {
            out->size[n] = (uint8_t)(out->size[n] + len);
            return MMIOEMU_OK;
        }
        n++;
    }
    if (n >= MMIOEMU_MAX_ACCESSES)
        return MMIOEMU_ERR_UNSUPPORTED;
    out->pa[n] = pa;
    out->size[n] = (uint8_t)len;
    out->offset[n] = (uint8_t)offset;
    out->flags[n] = (uint8_t)flags;
    out->count = n + 1;
    return MMIOEMU_OK;
}

mmioemu_status plan_add(const plan_ctx *pc, const plan_operand *op, plan_list *out)
{
    uint32_t first = PLAN_PAGE_SIZE - (uint32_t)(op->la & PLAN_PAGE_MASK);
    if (op->size > UINT8_MAX) /* plan_list's 8-bit sizes; operands are <= 64 bytes */
        return MMIOEMU_ERR_UNSUPPORTED;
    if (first < op->size && (pc->policy->flags & MMIOEMU_POLICY_NO_SPLIT))
        return MMIOEMU_ERR_SPLIT;
    /* One walk over the operand: a new page every `page_end`, a piece per
     * classification run inside it (only the walk's state crosses the
     * callbacks, so the frame stays small: docs/stack.md). Within one page
     * the physical addresses are contiguous: byte `done` is at base + done. */
    uint64_t base = 0;
    uint32_t page_end = 0;
    bool fault_page = false, mmio = false, in_region, merge = false;
    for (uint32_t done = 0; done < op->size;) {
        mmioemu_status s;
        if (done == page_end) {
            uint64_t la = op->la + done, pa;
            if (op->wrap32)
                la = (uint32_t)la;
            uint32_t page_left = PLAN_PAGE_SIZE - (uint32_t)(la & PLAN_PAGE_MASK);
            uint32_t len = op->size - done < page_left ? op->size - done : page_left;
            bool write = (op->acc_flags & MMIOEMU_ACC_WRITE) || op->rmw;
            s = piece_pa(pc, la, len, write, &pa, &fault_page);
            if (s != MMIOEMU_OK)
                return s;
            base = pa - done;
            page_end = done + len;
            merge = mmio = false;
        }
        uint32_t sub = page_end - done;
        s = classify(pc, op, base + done, fault_page, &sub, &mmio, &in_region);
        if (s != MMIOEMU_OK)
            return s;
        uint16_t fl = (uint16_t)(op->acc_flags | (mmio ? MMIOEMU_ACC_MMIO : 0));
        s = append(out, base + done, sub, done, fl, merge && !in_region);
        if (s != MMIOEMU_OK)
            return s;
        merge = !in_region;
        done += sub;
    }
    return MMIOEMU_OK;
}

void plan_list_from_public(const mmioemu_access_list *in, plan_list *out)
{
    uint32_t n = in->count > MMIOEMU_MAX_ACCESSES ? MMIOEMU_MAX_ACCESSES : in->count;
    for (uint32_t i = 0; i < n; i++) {
        out->pa[i] = in->a[i].pa;
        out->size[i] = in->a[i].size;
        out->offset[i] = in->a[i].offset;
        out->flags[i] = (uint8_t)in->a[i].flags; /* bits above MMIOEMU_ACC_SECOND: none defined */
    }
    out->count = n;
}

void plan_list_to_public(const plan_list *in, uint32_t from, const uint64_t op_la[2],
                         uint64_t la_mask, mmioemu_access_list *out)
{
    for (uint32_t i = from; i < in->count; i++) {
        mmioemu_access *a = &out->a[i];
        a->la = (op_la[(in->flags[i] & MMIOEMU_ACC_SECOND) ? 1 : 0] + in->offset[i]) & la_mask;
        a->pa = in->pa[i];
        a->size = in->size[i];
        a->offset = in->offset[i];
        a->flags = in->flags[i];
        a->reserved = 0;
    }
    if (in->count > from) /* nothing added: the count stays as it was */
        out->count = in->count;
}

mmioemu_status plan_add_operand(const plan_ctx *pc, const plan_operand *op,
                                mmioemu_access_list *out)
{
    plan_list l;
    uint32_t from = out->count;
    uint64_t la[2] = {op->la, op->la}; /* every new piece is op's */
    plan_list_from_public(out, &l);
    mmioemu_status s = plan_add(pc, op, &l);
    plan_list_to_public(&l, from, la, op->wrap32 ? 0xffffffffu : ~(uint64_t)0, out);
    return s;
}

mmioemu_status exec_read(const mmioemu_ops *ops, void *ctx, const plan_list *l, bool second,
                         uint8_t *buf)
{
    return exec_move(ops, ctx, l, second, buf, false);
}

mmioemu_status exec_write(const mmioemu_ops *ops, void *ctx, const plan_list *l, bool second,
                          const uint8_t *buf)
{
    return exec_move(ops, ctx, l, second, (uint8_t *)buf, true);
}

mmioemu_status exec_read_operand(const mmioemu_ops *ops, void *ctx, const mmioemu_access_list *l,
                                 bool second, uint8_t *buf)
{
    plan_list pl;
    plan_list_from_public(l, &pl);
    return exec_read(ops, ctx, &pl, second, buf);
}

mmioemu_status exec_write_operand(const mmioemu_ops *ops, void *ctx, const mmioemu_access_list *l,
                                  bool second, const uint8_t *buf)
{
    plan_list pl;
    plan_list_from_public(l, &pl);
    return exec_write(ops, ctx, &pl, second, buf);
}
