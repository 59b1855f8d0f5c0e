/* The region registry ("MMIO guard"), include/mmioemu/region.h: a sorted,
 * fixed-capacity table in caller storage. Writers are serialised by the
 * caller; lookups are lock-free readers under a sequence count. Freestanding:
 * no libc, no globals, no allocation. */
#include <mmioemu/region.h>

#include "region_read.h"

/* Memory-ordering contract (the classic seqlock, C11 model, see H.-J. Boehm,
 * "Can seqlocks get along with programming language memory models?", 2012):
 *   writer: seq = odd (relaxed); fence(release); slot/count stores (relaxed
 *           atomics); seq = even (release store).
 *   reader: s1 = seq (acquire); slot/count loads (relaxed atomics);
 *           fence(acquire); s2 = seq (relaxed); retry if s1 odd or s1 != s2.
 * If a reader's data load saw any store of a writer, the acquire fence
 * synchronises with the writer's release fence, so s2 sees the odd value (or
 * later) and the reader retries; if s1 saw the final even value, every data
 * store of that writer is visible. All shared fields are accessed atomically,
 * so a torn view is never acted upon and there is no data race. */

#define LD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define ST(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

static const uint32_t known_attrs = MMIOEMU_REGION_SHARED | MMIOEMU_REGION_PRIVATE |
                                    MMIOEMU_REGION_READ_ONLY | MMIOEMU_REGION_WRITE_ONLY;

static void write_begin(mmioemu_region_table *t)
{
    ST(&t->seq, t->seq + 1);
    __atomic_thread_fence(__ATOMIC_RELEASE);
}

static void write_end(mmioemu_region_table *t)
{
    __atomic_store_n(&t->seq, t->seq + 1, __ATOMIC_RELEASE);
}

static void slot_set(mmioemu_region *s, uint64_t base, uint64_t size, uint32_t attrs)
{
    ST(&s->base, base);
    ST(&s->size, size);
    ST(&s->attrs, attrs);
    ST(&s->reserved, 0u);
}

static void slot_move(mmioemu_region *dst, const mmioemu_region *src)
{
    slot_set(dst, src->base, src->size, src->attrs);
}

/* Index of the first slot whose base is > addr (writers only). */
static uint32_t upper_bound(const mmioemu_region_table *t, uint64_t addr)
{
    uint32_t lo = 0, hi = t->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t->slots[mid].base <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Make room at index i (count < capacity): shift [i, count) up by one. The
 * readers cannot see the transient duplicate: we are inside write_begin. */
static void open_slot(mmioemu_region_table *t, uint32_t i)
{
    for (uint32_t j = t->count; j > i; j--)
        slot_move(&t->slots[j], &t->slots[j - 1]);
    ST(&t->count, t->count + 1);
}

static void close_slot(mmioemu_region_table *t, uint32_t i)
{
    for (uint32_t j = i; j + 1 < t->count; j++)
        slot_move(&t->slots[j], &t->slots[j + 1]);
    ST(&t->count, t->count - 1);
}

/* Granule-aligned, non-empty, not wrapping past 2^64 (ending exactly at 2^64
 * is allowed). */
static bool range_ok(const mmioemu_region_table *t, uint64_t base, uint64_t size)
{
    uint64_t g = t->granule;
    return size != 0 && (base & (g - 1)) == 0 && (size & (g - 1)) == 0 && base + (size - 1) >= base;
}

mmioemu_status mmioemu_region_init(mmioemu_region_table *t, mmioemu_region *slots,
                                   uint32_t capacity, uint32_t granule)
{
    if (!t || !slots || capacity == 0)
        return MMIOEMU_ERR_ARG;
    if (granule == 0)
        granule = 4096;
    if (granule < 16 || (granule & (granule - 1)) != 0)
        return MMIOEMU_ERR_ARG;
    t->slots = slots;
    t->capacity = capacity;
    t->granule = granule;
    ST(&t->count, 0u);
    ST(&t->seq, 0u);
    return MMIOEMU_OK;
}

mmioemu_status mmioemu_region_map(mmioemu_region_table *t, uint64_t base, uint64_t size,
                                  uint32_t attrs)
{
    uint64_t last = base + (size - 1);
    uint32_t i;

    if (!t || !t->slots || (attrs & ~known_attrs) != 0 || !range_ok(t, base, size))
        return MMIOEMU_ERR_ARG;
    i = upper_bound(t, base);
    /* Sorted and disjoint: only the neighbours can overlap. */
    if (i > 0 && t->slots[i - 1].base + (t->slots[i - 1].size - 1) >= base)
        return MMIOEMU_ERR_FULL;
    if (i < t->count && t->slots[i].base <= last)
        return MMIOEMU_ERR_FULL;
    if (t->count >= t->capacity)
        return MMIOEMU_ERR_FULL;
    write_begin(t);
    open_slot(t, i);
    slot_set(&t->slots[i], base, size, attrs);
    write_end(t);
    return MMIOEMU_OK;
}

mmioemu_status mmioemu_region_unmap(mmioemu_region_table *t, uint64_t base, uint64_t size)
{
    uint64_t last = base + (size - 1), r_base, r_last;
    uint32_t i, attrs;

    if (!t || !t->slots || !range_ok(t, base, size))
        return MMIOEMU_ERR_ARG;
    i = upper_bound(t, base);
    if (i == 0)
        return MMIOEMU_ERR_ARG;
    i--; /* the region with the greatest base <= base */
    r_base = t->slots[i].base;
    r_last = r_base + (t->slots[i].size - 1);
    attrs = t->slots[i].attrs;
    if (r_last < last)
        return MMIOEMU_ERR_ARG; /* not wholly inside one region */
    if (base != r_base && last != r_last && t->count >= t->capacity)
        return MMIOEMU_ERR_FULL; /* a middle part splits: needs a slot */

    write_begin(t);
    if (base == r_base && last == r_last) {
        close_slot(t, i);
    } else if (base == r_base) {
        slot_set(&t->slots[i], last + 1, r_last - last, attrs);
    } else if (last == r_last) {
        slot_set(&t->slots[i], r_base, base - r_base, attrs);
    } else {
        slot_set(&t->slots[i], r_base, base - r_base, attrs);
        open_slot(t, i + 1);
        slot_set(&t->slots[i + 1], last + 1, r_last - last, attrs);
    }
    write_end(t);
    return MMIOEMU_OK;
}

bool mmioemu_region_lookup(const mmioemu_region_table *t, uint64_t addr, mmioemu_region *out)
{
    mmioemu_region r;

    if (!region_read(t, addr, &r))
        return false;
    if (out) {
        out->base = r.base;
        out->size = r.size;
        out->attrs = r.attrs;
        out->reserved = 0;
    }
    return true;
}
