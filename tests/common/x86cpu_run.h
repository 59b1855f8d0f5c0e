/* Native x86-64 runner for the CPU oracle: run generated instruction bytes
 * at X86GEN_CODE on the real CPU with GPRs/RFLAGS/vector registers loaded
 * from a struct, either against plain RAM at X86GEN_AREA or with the window
 * PROT_NONE and a SIGSEGV handler that emulates the access with mmioemu
 * (the user-space analogue of a #VE handler). x86-64 Linux only. */
#ifndef X86CPU_RUN_H
#define X86CPU_RUN_H

#include <stdint.h>
#include <stddef.h>
#include <mmioemu/mmioemu.h>
#include "x86gen_gen.h"
#include "x86gen_emu.h"

typedef struct x86cpu_regs {
    uint64_t gpr[16];  /* 0: RAX..R15 (RSP ignored) */
    uint64_t rflags;   /* 128 */
    uint64_t vmode;    /* 136: 0 none, 1 XMM0-15, 2 YMM0-15, 3 ZMM0-31 */
    uint64_t fs_base;  /* 144: FS base while the instruction runs (with set_fs) */
    uint64_t set_fs;   /* 152: WRFSBASE around the instruction */
    uint64_t saved_fs; /* 160: the thread's own FS base (glibc TLS) */
    uint64_t pad[3];
    uint8_t zmm[32][64]; /* 192 */
} x86cpu_regs;

typedef struct x86cpu_trap {
    unsigned traps;      /* SIGSEGVs handled */
    mmioemu_status last; /* status of the last emulation */
    uint64_t last_rip;   /* RIP mmioemu committed */
    int aborted;         /* an emulation failed: the case was abandoned */
    uint64_t fault_addr;
} x86cpu_trap;

/* Map code and area at their fixed addresses. 0 or -1 with a reason. */
int x86cpu_open(char *why, size_t n);
void x86cpu_close(void);
/* Best vector mode this CPU and OS support (see x86cpu_regs.vmode). */
int x86cpu_vmode(void);
/* Does this CPU (and OS: XCR0) implement the case's instruction? MOVBE,
 * CLFLUSHOPT, CLWB, MOVDIRI, MOVDIR64B, AVX (VEX), AVX-512 (EVEX) are
 * checked with CPUID; without them the CPU raises #UD and is no oracle. */
int x86cpu_has_insn(const x86gen_case *c);
/* Can user code use RDFSBASE/WRFSBASE (HWCAP2_FSGSBASE)? Needed to run FS
 * overrides: glibc's TLS lives at FS, so it is swapped around the
 * instruction and back at the entry of the signal handler. */
int x86cpu_has_fsgsbase(void);
/* Run the case natively on RAM: area (filled by x86gen_fill_area) afterwards
 * in area_out. Returns 0, or -1 if the CPU faulted. */
int x86cpu_run_native(const x86gen_case *c, x86cpu_regs *r, uint8_t *area_out);
/* Same, with the window PROT_NONE: each fault is emulated by mmioemu
 * against dev (shadow of the window, reads from the shadow). */
int x86cpu_run_trapped(const x86gen_case *c, x86cpu_regs *r, x86gen_dev *dev, x86cpu_trap *t,
                       uint8_t *area_out);

#endif
