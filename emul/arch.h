/* The per-architecture halves behind the public plan/execute entry points
 * (emul/emulate.c dispatches on mmioemu_cpu.mode). */
#ifndef MMIOEMU_EMUL_ARCH_H
#define MMIOEMU_EMUL_ARCH_H

#include "access.h"

/* The public planners also give each planned operand's linear address
 * (op_la, as in plan_list_to_public). */
mmioemu_status x86_plan(const plan_ctx *pc, const mmioemu_insn *insn, const mmioemu_cpu *cpu,
                        plan_list *out, uint64_t op_la[2], mmioemu_result *res);
mmioemu_status x86_execute(const plan_ctx *pc, const mmioemu_insn *insn, const plan_list *plan,
                           mmioemu_cpu *cpu, mmioemu_result *res);

mmioemu_status a64_plan(const plan_ctx *pc, const mmioemu_insn *insn, const mmioemu_cpu *cpu,
                        plan_list *out, uint64_t op_la[2], mmioemu_result *res);
mmioemu_status a64_execute(const plan_ctx *pc, const mmioemu_insn *insn, const plan_list *plan,
                           mmioemu_cpu *cpu, mmioemu_result *res);
/* mmioemu_emulate's arm64 path: plan + execute around one piece list. */
mmioemu_status a64_emulate(const plan_ctx *pc, const mmioemu_insn *insn, mmioemu_cpu *cpu,
                           mmioemu_result *res);

#endif
