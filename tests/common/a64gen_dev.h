/* The device side shared by the arm64 oracle tests: byte-level access traces
 * (what was read/written where, normalised to address order so that oracles
 * that split or merge accesses differently still compare), mmioemu callbacks
 * over a window, and vCPU set-up from a generated case. */
#ifndef MMIOEMU_TESTS_A64GEN_DEV_H
#define MMIOEMU_TESTS_A64GEN_DEV_H

#include <stddef.h>

#include <mmioemu/mmioemu.h>

#include "a64gen_ldst.h"

typedef struct a64gen_byte {
    uint64_t addr;
    uint8_t val;
    uint8_t write;
} a64gen_byte;

#define A64GEN_TRACE_MAX 96

typedef struct a64gen_trace {
    unsigned n;
    unsigned calls; /* callback invocations (accesses as the oracle split them) */
    bool overflow;
    a64gen_byte b[A64GEN_TRACE_MAX];
} a64gen_trace;

void a64gen_trace_add(a64gen_trace *t, uint64_t addr, const uint8_t *data, unsigned size,
                      bool write);
/* Normalise: stable sort by address, reads before writes at one address. */
void a64gen_trace_sort(a64gen_trace *t);
bool a64gen_trace_equal(const a64gen_trace *a, const a64gen_trace *b);
/* "R 40000ffe=3c W ..." into buf (truncated to len). */
void a64gen_trace_str(const a64gen_trace *t, char *buf, size_t len);

/* A window of device memory for mmioemu_emulate's callbacks. With `mem`
 * non-NULL the callbacks read and write it (mem[0] is address `win`);
 * otherwise reads return a64gen_dev_byte() and writes are only traced. */
typedef struct a64gen_dev {
    uint64_t win, win_size;    /* virtual addresses */
    uint64_t pa_offset;        /* physical = virtual + pa_offset (a VMM's IPA != VA) */
    uint64_t mmio_lo, mmio_hi; /* is_mmio range (virtual); both 0: the whole window */
    uint8_t *mem;              /* backing bytes (mem[0] is `win`), or NULL: see below */
    uint8_t *mmio_mem;         /* if set, mmio_* use it instead of mem (same indexing) */
    a64gen_trace trace;        /* mmio_read/mmio_write, in virtual addresses */
    a64gen_trace ram_trace;    /* ram_read/ram_write */
} a64gen_dev;

/* mmio_read/mmio_write/ram_read/ram_write/is_mmio/translate over an
 * a64gen_dev (ctx); callbacks get physical addresses; any address outside
 * the window fails the callback. */
extern const mmioemu_ops a64gen_dev_ops;

/* cpu <- the case's X/SP/V state, pc, EL, little-endian data. */
void a64gen_cpu_from_case(const a64gen_case *c, uint64_t pc, unsigned el, mmioemu_cpu *cpu);

/* Compare two arm64 register files (X0..X30, SP, PC, V0..V31); writes the
 * first difference into msg. Returns true when equal. */
bool a64gen_regs_equal(const mmioemu_arm64_state *want, const mmioemu_arm64_state *got, char *msg,
                       size_t len);

#endif
