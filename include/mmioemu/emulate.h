/* mmioemu: plan -> execute -> commit, and the one-call mmioemu_emulate().
 *
 * decode (insn.h) is pure; plan is side-effect free (it may call the query
 * callbacks `translate` and `is_mmio`, never a data callback); execute calls
 * the data callbacks and commits registers, flags and IP only after every
 * piece succeeded. Nothing here allocates or keeps state between calls.
 */
#ifndef MMIOEMU_EMULATE_H
#define MMIOEMU_EMULATE_H

#include "cpu.h"
#include "region.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caller callbacks. Each returns 0 on success; any other value makes the
 * emulator stop with MMIOEMU_ERR_CALLBACK and leave the vCPU as it was.
 * `addr` is always a physical address (GPA/IPA). Buffers hold the bytes in
 * memory order (lowest address first). Any pointer may be NULL when the
 * instruction at hand does not need it; a needed NULL callback is
 * MMIOEMU_ERR_UNSUPPORTED. */
typedef struct mmioemu_ops {
    /* Device access. size is 1, 2, 4, 8, 16, 32 or 64 for a whole operand on
     * one page, or any smaller count for one piece of a split access. */
    int (*mmio_read)(void *ctx, uint64_t addr, void *buf, unsigned size);
    int (*mmio_write)(void *ctx, uint64_t addr, const void *buf, unsigned size);
    /* Ordinary guest memory: the RAM side of MOVS/MOVDIR64B, RAM halves of
     * split accesses. */
    int (*ram_read)(void *ctx, uint64_t addr, void *buf, size_t size);
    int (*ram_write)(void *ctx, uint64_t addr, const void *buf, size_t size);
    /* Instruction bytes at linear address `ip` (x86: CS.base + RIP; arm64:
     * PC). Used by mmioemu_emulate() when the fault carries no bytes. It is
     * asked for whole pages' worth at most, never across a page boundary. */
    int (*fetch)(void *ctx, uint64_t ip, void *buf, size_t size);
    /* Linear -> physical for pages other than the faulting one. Without it
     * such pieces are refused (MMIOEMU_ERR_DENIED), never guessed. */
    int (*translate)(void *ctx, uint64_t la, uint64_t *pa, bool write);
    /* Is physical `pa` device memory? Sets *mmio and, in *span, the bytes
     * from pa that share that answer (0 = until the end of the page).
     * Consulted when no region table decides. */
    int (*is_mmio)(void *ctx, uint64_t pa, bool *mmio, uint64_t *span);
    /* Atomic compare-and-exchange of `size` bytes at `addr` (LOCK forms,
     * XCHG, arm64 atomics). Returns 0 if memory equalled *old and now holds
     * *new_; 1 if it did not, with *old updated to the current contents
     * (like __atomic_compare_exchange); anything else is a failure. */
    int (*cmpxchg)(void *ctx, uint64_t addr, void *old, const void *new_, unsigned size);
} mmioemu_ops;

/* What the trap reported. Every field is optional; flags say which are set. */
enum {
    MMIOEMU_FAULT_GLA = 1u << 0,   /* gla is valid (x86 GLA / arm64 FAR) */
    MMIOEMU_FAULT_GPA = 1u << 1,   /* gpa is valid (x86 GPA / arm64 IPA) */
    MMIOEMU_FAULT_DIR = 1u << 2,   /* the trap says whether it was a write */
    MMIOEMU_FAULT_WRITE = 1u << 3, /* with MMIOEMU_FAULT_DIR: it was a write */
    MMIOEMU_FAULT_ESR = 1u << 4,   /* arm64: syndrome holds ESR_ELx; use the ISV fast path */
};

typedef struct mmioemu_fault {
    uint64_t gla;
    uint64_t gpa;
    uint64_t syndrome;   /* ESR_ELx (arm64) or exit qualification (x86) */
    const uint8_t *insn; /* instruction bytes, if the caller has them (not owned) */
    uint32_t insn_len;
    uint32_t flags; /* MMIOEMU_FAULT_* */
} mmioemu_fault;

/* Policy: what the caller allows. Zero-initialised = permissive defaults
 * (splits allowed, user mode refused, RAM pieces allowed, budget 1024). */
enum {
    MMIOEMU_POLICY_NO_SPLIT = 1u << 0,   /* page-crossing access -> MMIOEMU_ERR_SPLIT (Linux TDX) */
    MMIOEMU_POLICY_ALLOW_USER = 1u << 1, /* emulate at CPL 3 / EL0 too */
    MMIOEMU_POLICY_REGIONS_ONLY = 1u << 2, /* every MMIO piece must lie in a mapped region */
    MMIOEMU_POLICY_NO_RAM = 1u << 3,       /* refuse RAM pieces (only device accesses) */
    MMIOEMU_POLICY_NO_STRING = 1u << 4,    /* refuse MOVS/STOS/LODS/CMPS/SCAS */
    MMIOEMU_POLICY_IDENTITY = 1u << 5,     /* linear == physical (paging off, tests, CLI) */
};

typedef struct mmioemu_policy {
    uint32_t flags;                      /* MMIOEMU_POLICY_* */
    uint32_t rep_budget;                 /* string elements per call; 0 = 1024 */
    const mmioemu_region_table *regions; /* optional MMIO guard; not owned */
} mmioemu_policy;

/* One piece of a planned access: never crosses a page or a region boundary. */
enum {
    MMIOEMU_ACC_WRITE = 1u << 0,
    MMIOEMU_ACC_MMIO = 1u << 1, /* device memory: mmio_read/mmio_write; else RAM */
    MMIOEMU_ACC_SECOND =
        1u << 2, /* belongs to the second operand (MOVS dst, pair's 2nd register) */
};

typedef struct mmioemu_access {
    uint64_t la;     /* linear / virtual address */
    uint64_t pa;     /* physical address the callback receives */
    uint16_t size;   /* bytes */
    uint16_t offset; /* offset of this piece within its operand */
    uint16_t flags;  /* MMIOEMU_ACC_* */
    uint16_t reserved;
} mmioemu_access;

#define MMIOEMU_MAX_ACCESSES 8

typedef struct mmioemu_access_list {
    uint32_t count;
    uint32_t reserved;
    mmioemu_access a[MMIOEMU_MAX_ACCESSES]; /* in the order they are performed */
} mmioemu_access_list;

/* Extra results. Optional everywhere (may be NULL). */
typedef struct mmioemu_result {
    mmioemu_insn insn;   /* mmioemu_emulate(): what was decoded */
    uint32_t iterations; /* string instructions: elements done in this call */
    uint32_t error_code; /* MMIOEMU_ERR_EXCEPTION: error code, if has_error_code */
    uint8_t vector; /* MMIOEMU_ERR_EXCEPTION: x86 vector (13 = #GP, 12 = #SS, 17 = #AC, 6 = #UD) */
    uint8_t has_error_code;
    uint8_t needed; /* MMIOEMU_ERR_TRUNCATED: bytes the instruction needs */
    uint8_t reserved;
} mmioemu_result;

/* Plan the memory accesses of `insn` for the state in `cpu` (for string
 * instructions: the next element only).
 * Computes the effective linear address, raises the CPU's own exceptions
 * (segment limit, non-canonical, alignment), checks the operand against the
 * fault (`fault` may be NULL: no check), splits at pages and regions, marks
 * each piece MMIO or RAM and applies `policy` (NULL = defaults).
 * ops/ctx may be NULL (then only the region table, the fault's GPA and
 * MMIOEMU_POLICY_IDENTITY give physical addresses).
 * Errors: ARG, UNSUPPORTED (kind not emulated), ADDRESS_MISMATCH, SPLIT,
 * DENIED, EXCEPTION (details in *res), CALLBACK (translate/is_mmio failed).
 * `out` is written in every case; its content is only meaningful on OK. */
mmioemu_status mmioemu_plan(const mmioemu_ops *ops, void *ctx, const mmioemu_insn *insn,
                            const mmioemu_cpu *cpu, const mmioemu_fault *fault,
                            const mmioemu_policy *policy, mmioemu_access_list *out,
                            mmioemu_result *res);

/* Perform a planned instruction and commit it: data callbacks in plan order,
 * then registers, flags, base writeback and IP. String instructions continue
 * element by element (re-planned each time, with the same policy) until done,
 * RCX reaches 0, or the budget is used (MMIOEMU_ERR_RETRY).
 * On any error the vCPU state is exactly as before the call (string
 * instructions: as after the last completed element; RIP not advanced).
 * Errors: ARG, UNSUPPORTED, CALLBACK, RETRY, EXCEPTION, DENIED, SPLIT. */
mmioemu_status mmioemu_execute(const mmioemu_ops *ops, void *ctx, const mmioemu_insn *insn,
                               const mmioemu_access_list *plan, mmioemu_cpu *cpu,
                               const mmioemu_policy *policy, mmioemu_result *res);

/* Everything at once: fetch (fault->insn, else the fetch callback at the
 * current IP, crossing a page if the instruction does; arm64 with
 * MMIOEMU_FAULT_ESR and ISV=1 fetches nothing) -> decode (native backend) ->
 * plan -> execute -> commit. Returns the first error any stage returns. */
mmioemu_status mmioemu_emulate(const mmioemu_ops *ops, void *ctx, mmioemu_cpu *cpu,
                               const mmioemu_fault *fault, const mmioemu_policy *policy,
                               mmioemu_result *res);

#ifdef __cplusplus
}
#endif

#endif
