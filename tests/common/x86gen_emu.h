/* Runs a generated x86 case through mmioemu_emulate against the synthetic
 * device of x86gen_gen.h (window = device, the pages around it = RAM), and
 * compares access lists the way the live oracles see them. */
#ifndef X86GEN_EMU_H
#define X86GEN_EMU_H

#include <mmioemu/mmioemu.h>
#include "x86gen_gen.h"

#define X86GEN_MAX_ACC 512

typedef struct x86gen_acc {
    uint64_t addr;
    uint32_t len;
    uint32_t write;
    uint8_t data[64];
} x86gen_acc;

typedef struct x86gen_dev {
    uint8_t area[X86GEN_AREA_SIZE]; /* RAM_LO | window | RAM_HI; window writes land here too */
    unsigned nacc;                  /* MMIO accesses (cmpxchg: its write, if done) */
    x86gen_acc acc[X86GEN_MAX_ACC];
    unsigned calls;        /* data callbacks made */
    unsigned fail_at;      /* 1-based data callback that fails; 0 = never */
    int window_reads_area; /* MMIO reads return area bytes (CPU oracle: shadow page) */
} x86gen_dev;

/* Initial vCPU state of a case (CPL cpl; XMM/YMM/ZMM from x86gen_vec_byte). */
void x86gen_cpu_init(const x86gen_case *c, int cpl, mmioemu_cpu *cpu);
/* Reset the device: area to x86gen_fill_area, no accesses. */
void x86gen_dev_reset(x86gen_dev *d);
/* Callbacks over an x86gen_dev (ctx). */
extern const mmioemu_ops x86gen_ops;
/* The fault a trap on this case would report (GLA = GPA = first window
 * byte of the first window operand), or NULL when nothing reaches it. */
const mmioemu_fault *x86gen_fault(const x86gen_case *c, mmioemu_fault *f);
/* mmioemu_emulate on the case, repeating on MMIOEMU_ERR_RETRY like a guest
 * re-entering the instruction. cpu must come from x86gen_cpu_init. */
mmioemu_status x86gen_emulate(const x86gen_case *c, mmioemu_cpu *cpu, x86gen_dev *d,
                              mmioemu_result *res);

/* Compare two MMIO access lists: writes as the same bytes to the same
 * addresses in the same order; reads as the same set of byte addresses
 * (a device may see a read split or repeated differently by each side,
 * e.g. KVM splits 16-byte reads in 8-byte exits). 0 if equal, else writes a
 * reason into why. */
int x86gen_acc_compare(const x86gen_acc *a, unsigned na, const x86gen_acc *b, unsigned nb,
                       char *why, size_t n);
/* Stricter: the same accesses (address, width, direction, data) in the
 * same order, after merging a's runs of `chunk`-byte pieces of one wider
 * access within a page (KVM splits accesses wider than 8 bytes; 0 = none). */
int x86gen_acc_compare_exact(const x86gen_acc *a, unsigned na, const x86gen_acc *b, unsigned nb,
                             unsigned chunk, char *why, size_t n);
void x86gen_acc_print(const char *who, const x86gen_acc *a, unsigned na, char *buf, size_t n);

#endif
