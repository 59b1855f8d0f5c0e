/* Internal interface between the arm64 emulator files (emul/a64_*.c). */
#ifndef MMIOEMU_EMUL_A64_EMUL_H
#define MMIOEMU_EMUL_A64_EMUL_H

#include "arch.h"

/* Perform a planned MMIOEMU_KIND_ATOMIC (LD<op>, SWP, CAS) through
 * ops->cmpxchg on its single piece; *old receives the memory's previous value
 * (size bytes, zero-extended). Writes no register. Returns OK, UNSUPPORTED
 * (no cmpxchg callback, not exactly one piece), CALLBACK, or RETRY (the value
 * kept changing under us: the guest re-executes the instruction). */
mmioemu_status a64_atomic_execute(const plan_ctx *pc, const mmioemu_insn *insn,
                                  const plan_list *plan, const mmioemu_arm64_state *s,
                                  uint64_t *old);

#endif
