/* Internal interfaces between the x86 emulator modules: addresses
 * (x86_addr.c), registers (x86_regs.c), ALU and flags (x86_alu.c), string
 * instructions (x86_string.c) and the per-kind planner/executor (x86_exec.c).
 * Nothing here is public; nothing here calls a data callback except x86_exec/x86_string. */
#ifndef MMIOEMU_EMUL_X86_EMUL_H
#define MMIOEMU_EMUL_X86_EMUL_H

#include "arch.h"
#include "x86_addr.h"
#include "x86_regs.h"

/* x86_regs.c (the GPR helpers: x86_regs.h) */
/* The 64 bytes of vector register `reg` (MMIOEMU_REG_V0 + n), lowest first. */
static inline const uint8_t *x86_vec_bytes(const mmioemu_x86_state *x, unsigned reg)
{
    return x->zmm[(reg - MMIOEMU_REG_V0) & 31];
}
/* Load `size` bytes into vector register `reg`: VEX/EVEX zero bytes
 * size..63; legacy SSE with EXT_ZERO (MOVD/MOVQ/MOVSS/MOVSD) zeroes
 * size..15 and keeps 16..63; other legacy loads keep everything above size. */
void x86_vec_load(mmioemu_x86_state *x, const mmioemu_insn *insn, const uint8_t *buf);

/* x86_addr.c: x86_addr.h */

/* x86_alu.c */
/* dst OP src at `size` bytes; updates the status flags in *rflags exactly as
 * the SDM defines them (undefined ones: docs/flags.md). Returns the result. */
uint64_t x86_alu(unsigned op, unsigned size, uint64_t dst, uint64_t src, uint64_t *rflags);
/* BT/BTS/BTR/BTC on `val` at bit `bit` (already reduced mod 8*size):
 * CF = the old bit; returns the new value (unchanged for BT). */
uint64_t x86_bt(unsigned op, uint64_t val, unsigned bit, uint64_t *rflags);

/* x86_plan.c: can the executor handle this kind, size and register? */
bool x86_kind_supported(const mmioemu_insn *insn);
/* The operands of a non-string instruction (at most 2), CPU exceptions and
 * the fault check done; *n = 0 for kinds without a data access. */
mmioemu_status x86_plan_operands(const plan_ctx *pc, const mmioemu_insn *insn,
                                 const mmioemu_cpu *cpu, plan_operand *op, unsigned *n,
                                 mmioemu_result *res);
/* x86_exec.c: mmioemu_emulate's non-string path, plan + execute around
 * one piece list in one frame. */
mmioemu_status x86_emulate_data(const plan_ctx *pc, const mmioemu_insn *insn, mmioemu_cpu *cpu,
                                mmioemu_result *res);

/* x86_string.c */
static inline bool x86_is_string(const mmioemu_insn *insn)
{
    return insn->kind >= MMIOEMU_KIND_MOVS && insn->kind <= MMIOEMU_KIND_SCAS;
}
/* Plan the next element of a string instruction (REP with rCX = 0: nothing). */
mmioemu_status x86_string_plan(const plan_ctx *pc, const mmioemu_insn *insn, const mmioemu_cpu *cpu,
                               plan_list *out, uint64_t op_la[2], mmioemu_result *res);
/* Run a string instruction. `plan` (may be NULL) is the first element's;
 * every other element is planned into `scratch`. pc->check_fault is cleared
 * after the first element (later elements move away from the fault). */
/* mmioemu_emulate's entry: x86_string_execute with no plan, own list. */
mmioemu_status x86_string_emulate(plan_ctx *pc, const mmioemu_insn *insn, mmioemu_cpu *cpu,
                                  mmioemu_result *res);
mmioemu_status x86_string_execute(plan_ctx *pc, const mmioemu_insn *insn, const plan_list *plan,
                                  plan_list *scratch, mmioemu_cpu *cpu, mmioemu_result *res);

#endif
