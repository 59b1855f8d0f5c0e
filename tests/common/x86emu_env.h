/* Test environment for the emulator tests: a synthetic guest memory behind
 * mmioemu_ops (MMIO window(s) with the CLI's byte pattern, RAM with a
 * write overlay), an access log, failure injection, and builders for CPU
 * states and hand-made descriptors. Shared by test_access.c and test_x86_emul*.c. */
#ifndef MMIOEMU_TESTS_X86EMU_ENV_H
#define MMIOEMU_TESTS_X86EMU_ENV_H

#include <stdbool.h>
#include <stdint.h>
#include <mmioemu/mmioemu.h>

#define X86EMU_LOG_MAX 64
#define X86EMU_OVERLAY_MAX 4096

typedef struct x86emu_log {
    uint8_t w;    /* 1 = write */
    uint8_t mmio; /* 1 = mmio_* callback, 0 = ram_* */
    uint8_t xchg; /* 1 = cmpxchg callback */
    uint64_t addr;
    unsigned len;
    uint8_t data[64];
} x86emu_log;

typedef struct x86emu_env {
    /* MMIO: [mmio_base, mmio_base + mmio_size); everything else is RAM. */
    uint64_t mmio_base, mmio_size;
    bool mmio_sticky;        /* MMIO writes are remembered (for cmpxchg tests) */
    unsigned fail_at;        /* the n-th data callback (1-based) fails; 0 = never */
    unsigned calls;          /* data callbacks so far (read, write, cmpxchg) */
    unsigned xchg_conflicts; /* cmpxchg reports "changed" this many times first */
    uint64_t translate_add;  /* translate(): pa = la + translate_add */
    unsigned translate_calls;
    const uint8_t *code; /* fetch(): code bytes at code_ip.., pages beyond unmapped */
    uint64_t code_ip;
    unsigned code_len;
    unsigned fetches;
    uint64_t fetch_ip[8];
    unsigned fetch_len[8];
    unsigned nlog;
    x86emu_log log[X86EMU_LOG_MAX];
    unsigned nover;
    uint64_t over_addr[X86EMU_OVERLAY_MAX];
    uint8_t over_val[X86EMU_OVERLAY_MAX];
} x86emu_env;

/* Byte patterns (issue 4, also the CLI's synthetic memory). */
uint8_t x86emu_mmio_byte(uint64_t a);
uint8_t x86emu_ram_init(uint64_t a);
/* Current content: overlay if written, else the pattern of its kind. */
uint8_t x86emu_peek(const x86emu_env *e, uint64_t a);
void x86emu_poke(x86emu_env *e, uint64_t a, uint8_t v);
uint64_t x86emu_peek_le(const x86emu_env *e, uint64_t a, unsigned n);
void x86emu_poke_le(x86emu_env *e, uint64_t a, uint64_t v, unsigned n);

/* env with MMIO at [0xfe000000, 0xff000000) and no fault injection. */
void x86emu_env_init(x86emu_env *e);
/* Callbacks over the env. with_translate/with_is_mmio select the optional ones. */
void x86emu_ops(mmioemu_ops *ops, bool with_translate, bool with_is_mmio);

/* CPU states: zeroed, RFLAGS = 2, flat segments (base 0, limit 4 GiB or
 * 64 KiB in 16-bit mode, present writable data; CS code). */
void x86emu_cpu(mmioemu_cpu *cpu, mmioemu_mode mode);

/* A descriptor for hand-built tests: [base + disp], DS, 64-bit addresses
 * in 64-bit mode (4 in 32-bit, 2 in 16-bit), no index, op/reg2 NONE. */
void x86emu_insn(mmioemu_insn *in, mmioemu_mode mode, unsigned kind, unsigned size, unsigned reg,
                 unsigned base, int64_t disp, unsigned length);

/* mmioemu_plan + mmioemu_execute (the descriptor path, no decoder). */
mmioemu_status x86emu_run(const mmioemu_ops *ops, x86emu_env *e, const mmioemu_insn *in,
                          mmioemu_cpu *cpu, const mmioemu_fault *f, const mmioemu_policy *p,
                          mmioemu_result *res);

/* Snapshot comparison for atomicity tests. */
bool x86emu_same_memory(const x86emu_env *a, const x86emu_env *b);

#endif
