/* Unicorn (libunicorn 2) side of the arm64 oracle tests: an AArch64 engine
 * with code below a three-page device window (or RAM | MMIO | RAM), byte-level
 * traces of its device accesses, and the normalisation that makes them
 * comparable with mmioemu's (docs/oracles-arm64.md). Only with
 * MMIOEMU_HAVE_UNICORN; empty otherwise. */
#ifndef MMIOEMU_TESTS_A64GEN_UC_H
#define MMIOEMU_TESTS_A64GEN_UC_H

#ifdef MMIOEMU_HAVE_UNICORN
#include <unicorn/unicorn.h>

#include "a64gen_dev.h"

#define A64GEN_UC_WIN 0x40000000ull
#define A64GEN_UC_WIN_SIZE 0x3000ull /* three pages: page-crossing cases at two boundaries */
#define A64GEN_UC_CODE 0x3fff0000ull /* 64 KiB below the window: LDR literal reaches it */
#define A64GEN_UC_CODE_SIZE 0x10000ull

/* campaign flags */
#define A64GEN_UC_BE 1u    /* big-endian data */
#define A64GEN_UC_ESR 2u   /* fault carries an ISV=1 syndrome, no instruction bytes */
#define A64GEN_UC_IPA 4u   /* VMM style: IPA = VA + 1 TiB, GLA + GPA reported, no identity */
#define A64GEN_UC_SPLIT 8u /* only the middle page is MMIO, the pages around it RAM */
#define A64GEN_UC_PAGE 0x1000ull

typedef struct a64gen_uc_side {
    a64gen_trace trace;
    uint64_t base;  /* address of the MMIO region */
    uint64_t first; /* address of the first device access: the "FAR" */
} a64gen_uc_side;

typedef struct a64gen_uc {
    uc_engine *uc;
    a64gen_uc_side side;
    bool big_endian; /* data endianness (SCTLR_EL1.EE); fetch stays little-endian */
    bool split;      /* A64GEN_UC_SPLIT: RAM | MMIO | RAM */
    uint64_t mmio_lo, mmio_hi;
} a64gen_uc;

/* The window's initial bytes (the device pattern, RAM pages too) and
 * Unicorn's RAM pages after the last run (A64GEN_UC_SPLIT). */
extern uint8_t a64gen_uc_pattern[A64GEN_UC_WIN_SIZE], a64gen_uc_ram_after[A64GEN_UC_WIN_SIZE];

/* Open an engine (CPU model "max"), map code and window per `how`
 * (A64GEN_UC_BE, A64GEN_UC_SPLIT). Close with uc_close(o->uc). */
bool a64gen_uc_setup(a64gen_uc *o, unsigned how);

/* Run one word at pc with the case's registers; out gets X/SP/PC/V after
 * it; o->side.trace the device accesses. Returns the uc_err. */
uc_err a64gen_uc_run(a64gen_uc *o, const a64gen_case *c, uint64_t pc, mmioemu_arm64_state *out);

/* Keep one entry per operand byte in the device range [mlo, mhi) (see .c). */
bool a64gen_uc_normalise(a64gen_trace *t, const a64gen_case *c, uint64_t mlo, uint64_t mhi);

#endif
#endif
