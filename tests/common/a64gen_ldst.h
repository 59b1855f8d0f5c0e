/* Random AArch64 load/store generator for the oracle tests (QEMU, Unicorn)
 * and the arm64 benchmark. Written from the Arm ARM encoding tables (C4.1.66
 * "Loads and Stores"), never from our decoder: every word comes with the
 * register values that put its access inside a caller-given window. */
#ifndef MMIOEMU_TESTS_A64GEN_LDST_H
#define MMIOEMU_TESTS_A64GEN_LDST_H

#include <stdbool.h>
#include <stdint.h>

/* Addressing classes (bit n of a64gen_cfg.classes enables class n). */
enum {
    A64GEN_UIMM = 0,  /* LDR/STR (immediate), unsigned offset          C6.2.x */
    A64GEN_UNSCALED,  /* LDUR/STUR                                      */
    A64GEN_POST,      /* LDR/STR (immediate), post-index                */
    A64GEN_PRE,       /* LDR/STR (immediate), pre-index                 */
    A64GEN_UNPRIV,    /* LDTR/STTR (GPR only)                           */
    A64GEN_REGOFF,    /* LDR/STR (register), UXTW/LSL/SXTW/SXTX, S=0/1  */
    A64GEN_LITERAL,   /* LDR/LDRSW (literal), GPR and SIMD&FP           */
    A64GEN_PAIR_OFF,  /* LDP/STP/LDPSW signed offset                    */
    A64GEN_PAIR_PRE,  /* LDP/STP/LDPSW pre-index                        */
    A64GEN_PAIR_POST, /* LDP/STP/LDPSW post-index                       */
    A64GEN_PAIR_NT,   /* LDNP/STNP                                      */
    A64GEN_ORDERED,   /* LDAR/STLR/LDLAR/STLLR (B/H/W/X)                */
    A64GEN_LDAPR,     /* LDAPR (FEAT_LRCPC)                             */
    A64GEN_RCPC2,     /* LDAPUR/LDAPURS/STLUR (FEAT_LRCPC2)             */
    A64GEN_CLASS_COUNT
};

#define A64GEN_ALL_CLASSES ((1u << A64GEN_CLASS_COUNT) - 1)
#define A64GEN_NONE 0xff

typedef struct a64gen_cfg {
    uint64_t win;      /* trapping window base, 4 KiB aligned */
    uint64_t win_size; /* bytes, multiple of 4096; >= 8192 for page-crossing cases */
    uint64_t pc;       /* where the word will execute (LDR literal); within 1 MiB of the window */
    uint32_t avoid;    /* X registers the harness needs: bit n = Xn, never used by the word */
    uint32_t classes;  /* A64GEN_* bits; 0 = all */
    bool no_sp_base;   /* never use SP as the base register */
} a64gen_cfg;

typedef struct a64gen_case {
    uint32_t word;     /* the instruction */
    uint8_t cls;       /* A64GEN_* addressing class */
    uint8_t form;      /* row of that class's data table (see a64gen_name) */
    uint8_t rt, rt2;   /* data registers as encoded (0..31), rt2 = A64GEN_NONE unless pair */
    uint8_t rn, rm;    /* base (31 = SP), index (31 = XZR); A64GEN_NONE when absent */
    uint8_t simd;      /* data registers are V registers */
    uint8_t store;     /* 1 = store, 0 = load */
    uint8_t writeback; /* pre/post-index */
    uint8_t crosses;   /* the access crosses a 4 KiB page */
    uint8_t sign;      /* sign-extending load (LDRS*, LDPSW, LDAPURS*) */
    uint8_t wide;      /* the GPR operand is X (64-bit), not W */
    uint8_t acqrel;    /* acquire/release semantics (LDAR, STLR, LDAPR, ...) */
    uint16_t elem;     /* bytes per register */
    uint16_t bytes;    /* total bytes accessed (2 * elem for pairs) */
    uint64_t addr;     /* lowest byte accessed (the generator's own model) */
    uint64_t x[32];    /* initial X0..X30 and, at [31], SP */
    uint8_t v[32][16]; /* initial V0..V31, lowest byte first */
} a64gen_case;

typedef struct a64gen_rng {
    uint64_t s;
} a64gen_rng;

uint64_t a64gen_rand(a64gen_rng *r);

/* One random case. Deterministic for a given rng state and cfg. */
void a64gen_next(a64gen_rng *r, const a64gen_cfg *cfg, a64gen_case *out);

/* The data-abort syndrome a CPU reports for this access when it fits the
 * ISV=1 rules (Arm ARM D19 ESR_EL2 "ISS encoding for an exception from a Data
 * Abort": a single general-purpose register, no writeback, not exclusive):
 * EC 0x24, IL, ISV, SAS, SSE, SRT, SF, AR, WnR, DFSC = translation fault
 * level 3. Returns false (ISV would be 0) for pairs, SIMD&FP and writeback. */
bool a64gen_esr(const a64gen_case *c, uint64_t *esr);

/* A printable description ("ldp w (pair_pre)"); static string. */
const char *a64gen_class_name(unsigned cls);
const char *a64gen_form_name(const a64gen_case *c);

/* Bytes of the synthetic device behind the window in both oracles (issue 5):
 * the byte at address A reads as (A * 0x9d ^ 0x5a) & 0xff. */
static inline uint8_t a64gen_dev_byte(uint64_t a)
{
    return (uint8_t)((a * 0x9d) ^ 0x5a);
}

#endif
