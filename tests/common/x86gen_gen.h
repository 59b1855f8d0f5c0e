/* Random generator of x86-64 MMIO-form instructions for the live oracles
 * (KVM, the CPU). Written from the SDM encodings, not from our decoder: each
 * case is bytes + initial GPRs/RFLAGS/FS/GS + the window address it targets.
 * Shared address layout: the same numbers in the KVM guest and natively. */
#ifndef X86GEN_GEN_H
#define X86GEN_GEN_H

#include <stdint.h>
#include <stddef.h>

/* Linear == physical layout used by every oracle. */
#define X86GEN_CODE 0x200000ull  /* instruction bytes (one page) */
#define X86GEN_WIN 0x40000000ull /* MMIO window: two pages */
#define X86GEN_WIN_SIZE 0x2000ull
#define X86GEN_RAM_LO (X86GEN_WIN - 0x1000ull) /* RAM page below the window */
#define X86GEN_RAM_HI (X86GEN_WIN + 0x2000ull) /* RAM page above the window */
#define X86GEN_AREA X86GEN_RAM_LO              /* [AREA, AREA + AREA_SIZE): RAM, window, RAM */
#define X86GEN_AREA_SIZE 0x4000ull

/* Case flags */
enum {
    X86GEN_C_VEC = 1u << 0,       /* touches XMM/YMM/ZMM state */
    X86GEN_C_STRING = 1u << 1,    /* MOVS/STOS/LODS */
    X86GEN_C_LOCK = 1u << 2,      /* carries LOCK (or is XCHG) */
    X86GEN_C_KVM_CPU = 1u << 3,   /* KVM's emulator refuses it: check at CPL 3 */
    X86GEN_C_REQUIRED = 1u << 4,  /* issue 4 lists the form: UNSUPPORTED is a failure */
    X86GEN_C_KVM_QUIRK = 1u << 5, /* KVM's emulator differs from the CPU: check at CPL 3 */
    X86GEN_C_GP = 1u << 6,        /* misaligned on purpose: the CPU raises #GP(0) */
    X86GEN_C_LIMIT =
        1u << 7, /* 16/32-bit: operand ends past offset 0xffffffff: #GP(0), #SS(0) via SS */
};

/* Form groups, for tallies and for restricting a run. */
typedef enum {
    X86GEN_G_MOV,
    X86GEN_G_MOVX,
    X86GEN_G_STRING,
    X86GEN_G_ALU,
    X86GEN_G_UNARY,
    X86GEN_G_XCHG,
    X86GEN_G_BT,
    X86GEN_G_MISC,
    X86GEN_G_SSE,
    X86GEN_G_AVX,
    X86GEN_G_COUNT
} x86gen_group;

typedef struct x86gen_case {
    uint8_t bytes[16];
    uint8_t len;
    uint8_t group;        /* x86gen_group */
    uint16_t form;        /* row of the form table (x86gen_form_name) */
    uint32_t flags;       /* X86GEN_C_* */
    uint32_t undef_flags; /* RFLAGS bits the SDM calls undefined after it */
    uint64_t gpr[16];     /* RAX..R15; RSP is ignored (harness stack) */
    uint64_t rflags;
    uint64_t fs_base, gs_base;
    uint64_t target;      /* linear address of the first memory operand */
    uint8_t msize;        /* bytes per access (string: per element) */
    uint8_t no_access;    /* REP with rCX = 0: touches nothing */
    uint8_t bits;         /* code size: 64, 32 or 16 */
    uint8_t seg;          /* 16/32-bit: segment of the first memory operand (ES..GS) */
    uint64_t ip;          /* initial RIP/EIP/IP (CS.base + ip = X86GEN_CODE) */
    uint64_t seg_base[6]; /* ES CS SS DS FS GS bases (64-bit: FS/GS only) */
} x86gen_case;

/* Deterministic PRNG state (xorshift64*). */
typedef struct x86gen_rng {
    uint64_t s;
} x86gen_rng;

void x86gen_seed(x86gen_rng *r, uint64_t seed);
uint64_t x86gen_next(x86gen_rng *r);

/* Fill *c with one random case. Returns 0. `only_group` < 0: any group. */
int x86gen_case_make(x86gen_rng *r, int only_group, x86gen_case *c);
/* Build a case from a fixed form row with random operands (for coverage). */
int x86gen_case_form(x86gen_rng *r, unsigned form, x86gen_case *c);

/* 32- or 16-bit protected-mode case (bits 32 or 16): random segment bases
 * (every base counts outside 64-bit mode), 16-bit ModRM forms, 67/66 both
 * ways, rSI/rDI/rCX at the address size. Integer forms and the SSE moves KVM
 * emulates; no VEX/EVEX, MOVBE, MOVSXD (ARPL), CMPXCHG16B, MOVDIRI/64B. */
int x86gen_case_make_legacy(x86gen_rng *r, unsigned bits, x86gen_case *c);

unsigned x86gen_form_count(void);
const char *x86gen_form_name(unsigned form);
const char *x86gen_group_name(unsigned group);

/* The synthetic device (issue 4 / CLI contract): an MMIO read of byte A
 * returns (A*0x9d ^ 0x5a) & 0xff. RAM byte A starts as
 * (A*0x2f + (A>>8)*0x11 + 0x13) & 0xff. Vector reg i byte j starts as
 * ((i*16+j)*0x3b ^ 0xc5) & 0xff. */
static inline uint8_t x86gen_mmio_byte(uint64_t a)
{
    return (uint8_t)((a * 0x9d) ^ 0x5a);
}
static inline uint8_t x86gen_ram_byte(uint64_t a)
{
    return (uint8_t)(a * 0x2f + (a >> 8) * 0x11 + 0x13);
}
static inline uint8_t x86gen_vec_byte(unsigned i, unsigned j)
{
    return (uint8_t)(((i * 16 + j) * 0x3b) ^ 0xc5);
}
/* Initial content of the whole area: RAM pattern outside the window,
 * device pattern inside (what a RAM-backed window is pre-filled with). */
void x86gen_fill_area(uint8_t *area /* X86GEN_AREA_SIZE bytes */);
/* Is linear/physical address a inside the MMIO window? */
static inline int x86gen_in_window(uint64_t a)
{
    return a >= X86GEN_WIN && a < X86GEN_WIN + X86GEN_WIN_SIZE;
}

/* "48 8b 04 25 ..." into buf. */
void x86gen_hex(const x86gen_case *c, char *buf, size_t n);

#endif
