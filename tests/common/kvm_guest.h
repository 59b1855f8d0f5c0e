/* A minimal 64-bit KVM guest for the x86 live oracle: long mode set up
 * directly through KVM_SET_SREGS, identity page tables, and an MMIO window
 * (X86GEN_WIN, two pages) with no memslot, so every access to it exits with
 * KVM_EXIT_MMIO. x86-64 Linux hosts only (kvm_guest_open fails elsewhere). */
#ifndef KVM_GUEST_H
#define KVM_GUEST_H

#include <stdint.h>
#include <stddef.h>
#include "x86gen_gen.h"

#define KVMG_MAX_ACC 512

typedef struct kvmg_access {
    uint64_t addr;
    uint32_t len;
    uint8_t write;
    uint8_t data[8];
} kvmg_access;

enum {
    KVMG_OK = 0,    /* reached the end marker */
    KVMG_EMUL_FAIL, /* KVM_EXIT_INTERNAL_ERROR: KVM's emulator refused the instruction */
    KVMG_SHUTDOWN,  /* the guest faulted (no IDT: triple fault) */
    KVMG_TOO_MANY,  /* more than KVMG_MAX_ACC accesses */
    KVMG_OTHER,     /* any other exit */
};

typedef struct kvmg_run {
    /* in */
    const uint8_t *code;
    unsigned len;
    int cpl;          /* 0: ring 0 (KVM's emulator); 3: ring 3 (real CPU, RAM window) */
    int vec;          /* load/save ZMM0..31 (XSAVE) */
    uint64_t gpr[16]; /* RSP is replaced by the harness stack */
    uint64_t rflags, fs_base, gs_base;
    int bits;             /* 64 (long mode, default when 0), 32 or 16 (protected mode, no paging) */
    uint64_t ip;          /* 32/16: EIP/IP; CS.base + ip must be X86GEN_CODE */
    uint64_t seg_base[6]; /* 32/16: ES CS SS DS FS GS bases */
    uint8_t zmm[32][64];  /* in and out when vec */
    /* out */
    int result; /* KVMG_* */
    uint32_t exit_reason, suberror;
    unsigned nacc;
    kvmg_access acc[KVMG_MAX_ACC];
    uint64_t out_gpr[16], out_rip, out_rflags;
    uint8_t area[X86GEN_AREA_SIZE]; /* final RAM_LO | window | RAM_HI (window: CPL 3 only) */
} kvmg_run;

typedef struct kvm_guest kvm_guest;

/* Open /dev/kvm and build the VM. NULL on failure, with a reason in why. */
kvm_guest *kvm_guest_open(char *why, size_t whylen);
void kvm_guest_close(kvm_guest *g);
/* Run one instruction (code + end marker) from X86GEN_CODE. Returns 0 when
 * the run could be made (look at r->result), -1 on an ioctl failure. */
int kvm_guest_run(kvm_guest *g, kvmg_run *r);
/* Average cost of one KVM exit round trip (OUT to a port in a loop), ns. */
double kvm_guest_exit_ns(kvm_guest *g, unsigned iterations);
/* Same for an MMIO read exit (ring-0 load from the window in a loop), ns. */
double kvm_guest_mmio_exit_ns(kvm_guest *g, unsigned iterations);

#endif
