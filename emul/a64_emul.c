/* PLACEHOLDER: replaced by the arm64 emulator (issue 5). */
#include "arch.h"

mmioemu_status a64_plan(const plan_ctx *pc, const mmioemu_insn *insn, const mmioemu_cpu *cpu,
                        mmioemu_access_list *out, mmioemu_result *res)
{
    (void)pc; (void)insn; (void)cpu; (void)out; (void)res;
    return MMIOEMU_ERR_UNSUPPORTED;
}

mmioemu_status a64_execute(const plan_ctx *pc, const mmioemu_insn *insn,
                           const mmioemu_access_list *plan, mmioemu_cpu *cpu,
                           mmioemu_result *res)
{
    (void)pc; (void)insn; (void)plan; (void)cpu; (void)res;
    return MMIOEMU_ERR_UNSUPPORTED;
}
