/* Test environment for the arm64 emulator tests: a 64 KiB device window and
 * a 64 KiB RAM window, both byte arrays, with every callback logged in order
 * and an optional failure injected at the n-th data callback. */
#ifndef MMIOEMU_TESTS_A64CORE_ENV_H
#define MMIOEMU_TESTS_A64CORE_ENV_H

#include <stdbool.h>
#include <stdint.h>
#include <mmioemu/mmioemu.h>

#define A64CORE_MMIO_BASE 0x10000000ull
#define A64CORE_RAM_BASE 0x20000000ull
#define A64CORE_WIN 0x10000u
#define A64CORE_LOG 16

typedef struct a64core_acc {
    bool write;
    bool mmio;
    uint64_t addr;
    unsigned len;
    uint8_t data[64];
} a64core_acc;

typedef struct a64core_env {
    uint8_t mmio[A64CORE_WIN];
    uint8_t ram[A64CORE_WIN];
    a64core_acc log[A64CORE_LOG];
    unsigned nlog;
    int fail_at;        /* 1-based data callback that fails; 0 = none */
    unsigned interfere; /* cmpxchg: this many calls first see the memory changed (+1) */
    unsigned calls;
    mmioemu_ops ops;
} a64core_env;

/* Zeroed windows, no failure, ops filled (is_mmio: the MMIO window;
 * cmpxchg: compare-and-exchange on either window, logged as one write when it
 * stores, one read when it does not). */
void a64core_env_init(a64core_env *e);
/* A fresh EL1 little-endian CPU at pc 0x400000. */
void a64core_cpu_init(mmioemu_cpu *c);
/* Emulate instruction word `w` with a GLA/GPA fault at `fault_addr`
 * (identity-mapped). Returns the emulator's status. */
mmioemu_status a64core_run(a64core_env *e, mmioemu_cpu *c, uint32_t w, uint64_t fault_addr);
/* Same with an explicit fault and policy. */
mmioemu_status a64core_run_fault(a64core_env *e, mmioemu_cpu *c, uint32_t w, const mmioemu_fault *f,
                                 const mmioemu_policy *p);

#endif
