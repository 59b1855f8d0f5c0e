/* mmioemu: the region registry ("MMIO guard").
 *
 * A fixed-capacity table in caller-owned storage: the guest (or the TSM on its
 * behalf) maps MMIO granules, and the emulator refuses device accesses
 * outside them when the policy says MMIOEMU_POLICY_REGIONS_ONLY.
 *
 * Concurrency contract: writers (init/map/unmap) must be serialised by the
 * caller (one lock, or one CPU). Readers (lookup) take no lock and may run on
 * other CPUs at the same time: they read under a sequence count and retry
 * when a writer was active, so a lookup sees the table either wholly before
 * or wholly after each map/unmap. Writers publish with release stores,
 * readers use acquire loads (C11 memory model via __atomic builtins).
 */
#ifndef MMIOEMU_REGION_H
#define MMIOEMU_REGION_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    MMIOEMU_REGION_SHARED = 1u << 0,  /* shared with the host (TDX shared bit / SEV C-bit clear) */
    MMIOEMU_REGION_PRIVATE = 1u << 1, /* private / encrypted MMIO (TDISP-style) */
    MMIOEMU_REGION_READ_ONLY = 1u << 2,  /* writes refused */
    MMIOEMU_REGION_WRITE_ONLY = 1u << 3, /* reads refused */
};

typedef struct mmioemu_region {
    uint64_t base;
    uint64_t size;
    uint32_t attrs; /* MMIOEMU_REGION_* */
    uint32_t reserved;
} mmioemu_region;

typedef struct mmioemu_region_table {
    mmioemu_region *slots; /* caller storage, `capacity` entries, kept sorted by base */
    uint32_t capacity;
    uint32_t count;
    uint32_t granule; /* power of two, >= 16; 4096 by default */
    uint32_t seq;     /* sequence count: odd while a writer is active */
} mmioemu_region_table;

/* Prepare `t` over `slots[capacity]`. granule 0 means 4096.
 * Errors: ARG (NULL, capacity 0, granule not a power of two or < 16). */
mmioemu_status mmioemu_region_init(mmioemu_region_table *t, mmioemu_region *slots,
                                   uint32_t capacity, uint32_t granule);

/* Map [base, base+size) with `attrs`. base and size must be granule-aligned
 * and size > 0, no wrap past 2^64. Overlap with any mapped region -> FULL
 * with the table unchanged; no free slot -> FULL. Errors: ARG, FULL. */
mmioemu_status mmioemu_region_map(mmioemu_region_table *t, uint64_t base, uint64_t size,
                                  uint32_t attrs);

/* Unmap exactly [base, base+size), which must be a whole part of one mapped
 * region (a middle part splits it in two, which needs a free slot).
 * Errors: ARG (unaligned, or not fully mapped by one region), FULL. */
mmioemu_status mmioemu_region_unmap(mmioemu_region_table *t, uint64_t base, uint64_t size);

/* Find the region holding `addr`; copies it to *out (may be NULL).
 * Returns true if found. Lock-free; see the contract above. */
bool mmioemu_region_lookup(const mmioemu_region_table *t, uint64_t addr, mmioemu_region *out);

#ifdef __cplusplus
}
#endif

#endif
