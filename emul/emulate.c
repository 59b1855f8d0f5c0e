/* The public plan / execute / emulate entry points (include/mmioemu/emulate.h):
 * argument checks, policy defaults, the user-mode rule, instruction fetch and
 * dispatch to the x86 or arm64 half (emul/arch.h). No instruction semantics here.
 * mmioemu_emulate must stay within 512 bytes of stack (docs/stack.md): big
 * locals live in separate non-inlined stages so their frames never nest. */
#include "arch.h"
#include "x86_emul.h"

#include "../decoders/x86/x86_decode.h"
#include "../lib/bytes.h"

#define X86_MAX_INSN 15u /* SDM Vol. 2A 2.3.11: instructions are at most 15 bytes */

static const mmioemu_ops no_ops;

/* NULL policy = the zeroed default (emulate.h); rep_budget 0 means 1024,
 * applied where the budget is used (x86_string.c). No copy: stack matters. */
static const mmioemu_policy default_policy;

/* Results of a previous call must not leak into this one (insn excepted:
 * mmioemu_emulate overwrites it). */
static void res_clear(mmioemu_result *res)
{
    if (!res)
        return;
    res->iterations = 0;
    res->error_code = 0;
    res->vector = 0;
    res->has_error_code = 0;
    res->needed = 0;
    res->reserved = 0;
}

static bool mode_ok(const mmioemu_cpu *cpu)
{
    return cpu->mode < MMIOEMU_MODE_COUNT_;
}

/* CPL 3 / EL0 is refused unless the policy allows user mode: a user-mode
 * fault emulated with kernel rights was CVE-2023-46813's root. */
static mmioemu_status user_check(const mmioemu_cpu *cpu, const mmioemu_policy *pol)
{
    if (pol->flags & MMIOEMU_POLICY_ALLOW_USER)
        return MMIOEMU_OK;
    if (cpu->mode == MMIOEMU_ARM64 ? cpu->u.arm64.el == 0 : cpu->u.x86.cpl == 3)
        return MMIOEMU_ERR_DENIED;
    return MMIOEMU_OK;
}

/* The public entry points keep the public list; the planners and
 * executors work on the smaller plan_list (access.h). */
static mmioemu_status arch_plan(const plan_ctx *pc, const mmioemu_insn *insn,
                                const mmioemu_cpu *cpu, mmioemu_access_list *out,
                                mmioemu_result *res)
{
    plan_list l;
    uint64_t op_la[2] = {0, 0};
    mmioemu_status s;
    l.count = 0;
    if (cpu->mode == MMIOEMU_ARM64)
        s = a64_plan(pc, insn, cpu, &l, op_la, res);
    else
        s = x86_plan(pc, insn, cpu, &l, op_la, res);
    out->count = 0;
    out->reserved = 0;
    uint64_t mask = cpu->mode != MMIOEMU_ARM64 && x86_la_wraps32(cpu) ? 0xffffffffu : ~(uint64_t)0;
    plan_list_to_public(&l, 0, op_la, mask, out); /* written in every case, as before */
    return s;
}

static mmioemu_status arch_execute(const plan_ctx *pc, const mmioemu_insn *insn,
                                   const mmioemu_access_list *plan, mmioemu_cpu *cpu,
                                   mmioemu_result *res)
{
    plan_list l;
    plan_list_from_public(plan, &l);
    if (cpu->mode == MMIOEMU_ARM64)
        return a64_execute(pc, insn, &l, cpu, res);
    return x86_execute(pc, insn, &l, cpu, res);
}

mmioemu_status mmioemu_plan(const mmioemu_ops *ops, void *ctx, const mmioemu_insn *insn,
                            const mmioemu_cpu *cpu, const mmioemu_fault *fault,
                            const mmioemu_policy *policy, mmioemu_access_list *out,
                            mmioemu_result *res)
{
    const mmioemu_policy *pol = policy ? policy : &default_policy;
    if (!out)
        return MMIOEMU_ERR_ARG;
    out->count = 0;
    if (!insn || !cpu || !mode_ok(cpu) || insn->mode != cpu->mode)
        return MMIOEMU_ERR_ARG;
    res_clear(res);
    mmioemu_status s = user_check(cpu, pol);
    if (s != MMIOEMU_OK)
        return s;
    plan_ctx pc = {ops, ctx, fault, pol, true};
    return arch_plan(&pc, insn, cpu, out, res);
}

/* Does every piece fit plan_list's 8-bit size and offset (access.h)? A plan
 * from mmioemu_plan always does (operands are at most 64 bytes); a bigger
 * piece could only overrun the executor's operand buffer, so it is refused
 * rather than truncated. */
static bool plan_fits(const mmioemu_access_list *plan)
{
    for (uint32_t i = 0; i < plan->count; i++)
        if (plan->a[i].size > UINT8_MAX || plan->a[i].offset > UINT8_MAX)
            return false;
    return true;
}

mmioemu_status mmioemu_execute(const mmioemu_ops *ops, void *ctx, const mmioemu_insn *insn,
                               const mmioemu_access_list *plan, mmioemu_cpu *cpu,
                               const mmioemu_policy *policy, mmioemu_result *res)
{
    const mmioemu_policy *pol = policy ? policy : &default_policy;
    if (!insn || !plan || !cpu || !mode_ok(cpu) || insn->mode != cpu->mode ||
        plan->count > MMIOEMU_MAX_ACCESSES || !plan_fits(plan))
        return MMIOEMU_ERR_ARG;
    res_clear(res);
    mmioemu_status s = user_check(cpu, pol);
    if (s != MMIOEMU_OK)
        return s;
    plan_ctx pc = {ops ? ops : &no_ops, ctx, 0, pol, false};
    return arch_execute(&pc, insn, plan, cpu, res);
}

/* Linear address of the next instruction (x86: SDM Vol. 3A 3.4: CS.base +
 * IP outside 64-bit mode, where the IP is 16 or 32 bits; RIP in 64-bit mode
 * where the CS base is treated as 0). arm64: PC. */
static uint64_t fetch_ip(const mmioemu_cpu *cpu)
{
    const mmioemu_x86_state *x = &cpu->u.x86;
    switch (cpu->mode) {
    case MMIOEMU_ARM64: return cpu->u.arm64.pc;
    case MMIOEMU_X86_64: return x->rip;
    case MMIOEMU_X86_32: return (x->seg[MMIOEMU_SEG_CS].base + (uint32_t)x->rip) & 0xffffffffu;
    default: return (x->seg[MMIOEMU_SEG_CS].base + (uint16_t)x->rip) & 0xffffffffu;
    }
}

/* Fetch and decode the x86 instruction at the IP: read to the end of the
 * page at most, decode, and while the decoder says TRUNCATED read just the
 * bytes it still needs from the following page(s). Never reads past the
 * instruction's last byte once its length is known, never more than 15.
 * `have` grows every round (want > have: the decoder's length or 15, cut at
 * a page end at least one byte away), so there are at most 15 rounds and
 * no counter; `have` is advanced before the callback, so `want` is not
 * live across it (aarch64 frame 128 -> 112, docs/stack.md). */
static __attribute__((noinline)) mmioemu_status
fetch_x86(const mmioemu_ops *ops, void *ctx, const mmioemu_cpu *cpu, mmioemu_insn *insn)
{
    uint8_t buf[X86_MAX_INSN];
    uint64_t ip = fetch_ip(cpu);
    uint32_t have = 0;
    uint32_t want = PLAN_PAGE_SIZE - (uint32_t)(ip & PLAN_PAGE_MASK);
    if (!ops->fetch)
        return MMIOEMU_ERR_UNSUPPORTED;
    if (want > X86_MAX_INSN)
        want = X86_MAX_INSN;
    for (;;) {
        uint32_t from = have;
        have = want;
        if (ops->fetch(ctx, ip + from, buf + from, have - from))
            return MMIOEMU_ERR_CALLBACK;
        mmioemu_status s = x86_decode((mmioemu_mode)cpu->mode, buf, have, insn);
        if (s != MMIOEMU_ERR_TRUNCATED || have >= X86_MAX_INSN)
            return s;
        want = insn->length;
        if (want <= have || want > X86_MAX_INSN)
            want = X86_MAX_INSN; /* decoder asks for the impossible: let it say INVALID */
        /* The rest lies on the next page(s); split again at a page end. */
        uint32_t left = PLAN_PAGE_SIZE - (uint32_t)((ip + have) & PLAN_PAGE_MASK);
        if (want - have > left)
            want = have + left;
    }
}

/* arm64: the ESR's syndrome when it has ISV=1, else the 4-byte word at the
 * PC (a 4-aligned PC never crosses a page with 4 bytes). */
static __attribute__((noinline)) mmioemu_status fetch_a64(const mmioemu_ops *ops, void *ctx,
                                                          const mmioemu_cpu *cpu,
                                                          const mmioemu_fault *fault,
                                                          mmioemu_insn *insn)
{
    uint8_t w[4];
    if (fault && (fault->flags & MMIOEMU_FAULT_ESR)) {
        mmioemu_status s = mmioemu_decode_arm64_esr(fault->syndrome, insn);
        if (s != MMIOEMU_ERR_UNSUPPORTED) /* ISV=0 is UNSUPPORTED: fetch below */
            return s;
    }
    if (!ops->fetch)
        return MMIOEMU_ERR_UNSUPPORTED;
    if (ops->fetch(ctx, cpu->u.arm64.pc, w, 4))
        return MMIOEMU_ERR_CALLBACK;
    return mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_ARM64, w, 4, insn);
}

/* Instruction bytes -> descriptor, from the fault, the ESR, or the fetch
 * callback. Stage one of mmioemu_emulate: the piece list lives in the
 * stage-two functions, so the decoder's frames never sit under it. Inlined:
 * it holds nothing (mmioemu_emulate's frame stays 112), and as a function
 * of its own it was one more return address (8 bytes) on every decode path
 * (docs/stack.md); the x86 fetch buffer is in fetch_x86's frame. */
static inline __attribute__((always_inline)) mmioemu_status
fetch_decode(const mmioemu_ops *ops, void *ctx, const mmioemu_cpu *cpu, const mmioemu_fault *fault,
             mmioemu_insn *insn)
{
    mmioemu_mode mode = (mmioemu_mode)cpu->mode;
    if (fault && fault->insn) {
        uint32_t n = fault->insn_len;
        if (mode == MMIOEMU_ARM64)
            return mmioemu_decode(MMIOEMU_BACKEND_NATIVE, mode, fault->insn, n, insn);
        /* The x86 decoder itself: mode and bytes are already checked here,
         * and mmioemu_decode's tests and call level would be paid per trap. */
        return x86_decode(mode, fault->insn, n > X86_MAX_INSN ? X86_MAX_INSN : n, insn);
    }
    if (mode != MMIOEMU_ARM64)
        return fetch_x86(ops, ctx, cpu, insn);
    return fetch_a64(ops, ctx, cpu, fault, insn);
}

/* The caller's stack budget is 512 bytes (common rules): this frame holds
 * the planning context and, without a result, the descriptor; stage one
 * (fetch + decode) and stage two (plan + execute) are siblings below it. */
mmioemu_status mmioemu_emulate(const mmioemu_ops *ops, void *ctx, mmioemu_cpu *cpu,
                               const mmioemu_fault *fault, const mmioemu_policy *policy,
                               mmioemu_result *res)
{
    mmioemu_insn own;
    mmioemu_insn *insn = res ? &res->insn : &own;
    if (!cpu || !mode_ok(cpu))
        return MMIOEMU_ERR_ARG;
    plan_ctx pc = {ops ? ops : &no_ops, ctx, fault, policy ? policy : &default_policy, true};
    res_clear(res);
    mmioemu_status s = user_check(cpu, pc.policy);
    if (s != MMIOEMU_OK)
        return s;
    s = fetch_decode(pc.ops, ctx, cpu, fault, insn);
    if (s == MMIOEMU_ERR_TRUNCATED && res)
        res->needed = insn->length;
    if (s != MMIOEMU_OK)
        return s;
    if (insn->mode != cpu->mode)
        return MMIOEMU_ERR_ARG;
    /* Stage two: plan + execute, each path in one function that holds the
     * piece list (x86 string elements are planned into it one by one). */
    if (cpu->mode == MMIOEMU_ARM64)
        return a64_emulate(&pc, insn, cpu, res);
    if (x86_is_string(insn))
        return x86_string_emulate(&pc, insn, cpu, res);
    return x86_emulate_data(&pc, insn, cpu, res);
}
