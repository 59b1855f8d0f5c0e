/* The region registry's lock-free reader (lib/region.c, memory-ordering
 * contract there), inline so the emulator's planner looks regions up in its
 * own frame: one call level (48 bytes of stack) less (docs/stack.md). */
#ifndef MMIOEMU_LIB_REGION_READ_H
#define MMIOEMU_LIB_REGION_READ_H

#include <mmioemu/region.h>

#define REGION_LD(p) __atomic_load_n((p), __ATOMIC_RELAXED)

/* One optimistic pass: binary search with relaxed loads. The indices stay
 * inside [0, capacity) even on a torn view; the caller validates. */
static inline __attribute__((always_inline)) bool
region_lookup_once(const mmioemu_region_table *t, uint64_t addr, mmioemu_region *r)
{
    uint32_t lo = 0, hi = REGION_LD(&t->count);

    if (hi > t->capacity)
        hi = t->capacity;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (REGION_LD(&t->slots[mid].base) <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return false;
    r->base = REGION_LD(&t->slots[lo - 1].base);
    r->size = REGION_LD(&t->slots[lo - 1].size);
    r->attrs = REGION_LD(&t->slots[lo - 1].attrs);
    r->reserved = 0;
    return addr >= r->base && addr - r->base < r->size;
}

/* mmioemu_region_lookup: *r is written only when found (t may be NULL). */
static inline __attribute__((always_inline)) bool region_read(const mmioemu_region_table *t,
                                                              uint64_t addr, mmioemu_region *r)
{
    uint32_t s1;
    bool found;

    if (!t || !t->slots)
        return false;
    for (;;) {
        s1 = __atomic_load_n(&t->seq, __ATOMIC_ACQUIRE);
        if (s1 & 1u) {
            __atomic_thread_fence(__ATOMIC_SEQ_CST); /* writer active: spin */
            continue;
        }
        found = region_lookup_once(t, addr, r);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (s1 == REGION_LD(&t->seq))
            return found;
    }
}

#endif
