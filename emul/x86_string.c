/* x86 string instructions (MOVS/STOS/LODS/CMPS/SCAS) element by element:
 * DF steps, REP/REPE/REPNE, 67 (rSI/rDI/rCX at the address size), RCX = 0,
 * and the caller's budget (RETRY with the registers consistent, RIP not
 * advanced - what the CPU itself does when an interrupt hits a REP). */
#include "x86_emul.h"

#include "../lib/bytes.h"

static bool is_rep(const mmioemu_insn *insn)
{
    return (insn->flags & (MMIOEMU_F_REP | MMIOEMU_F_REPNE)) != 0;
}

static unsigned asize(const mmioemu_insn *insn)
{
    return insn->mem.addr_size ? insn->mem.addr_size : 8;
}

/* rCX / rSI / rDI as the address size sees them (SDM Vol. 2B MOVS: the
 * address-size attribute picks SI/ESI/RSI, and REP counts in CX/ECX/RCX). */
static uint64_t areg(const mmioemu_cpu *cpu, const mmioemu_insn *insn, unsigned reg)
{
    return cpu->u.x86.gpr[reg] & mm_mask(asize(insn));
}

/* Does this string instruction read [seg:rSI]? Write/read [ES:rDI]? */
static bool uses_src(unsigned kind)
{
    return kind == MMIOEMU_KIND_MOVS || kind == MMIOEMU_KIND_LODS || kind == MMIOEMU_KIND_CMPS;
}

static bool uses_dst(unsigned kind)
{
    return kind != MMIOEMU_KIND_LODS;
}

/* uses_src() and uses_dst() (one compare less than asking both). */
static bool two_operands(unsigned kind)
{
    return kind == MMIOEMU_KIND_MOVS || kind == MMIOEMU_KIND_CMPS;
}

/* The operands of the next element (rSI source first, rDI destination)
 * with the CPU's own checks. Returns their count (1 or 2), or minus the
 * status of a failed check: an out-parameter would be one more
 * address-taken local in the loop's frame (docs/stack.md). Out of line so
 * its temporaries are gone while the pieces are planned. */
static __attribute__((noinline)) int string_operands(const mmioemu_insn *insn,
                                                     const mmioemu_cpu *cpu, plan_operand *op,
                                                     mmioemu_result *res)
{
    unsigned k = insn->kind, n = 0;
    mmioemu_status s;
    if (uses_src(k)) {
        s = x86_linear(cpu, insn->mem.seg, areg(cpu, insn, MMIOEMU_REG_RSI), insn->size, false,
                       &op[0].la, res);
        if (s == MMIOEMU_OK)
            s = x86_check_ac(cpu, op[0].la, insn->size, res);
        if (s != MMIOEMU_OK)
            return -(int)s;
        op[0].size = insn->size, op[0].acc_flags = 0, op[0].rmw = false, n = 1;
        op[0].wrap32 = x86_la_wraps32(cpu);
    }
    if (uses_dst(k)) {
        /* SDM: the destination is always ES:rDI; no override applies. */
        bool w = k == MMIOEMU_KIND_MOVS || k == MMIOEMU_KIND_STOS;
        s = x86_linear(cpu, MMIOEMU_SEG_ES, areg(cpu, insn, MMIOEMU_REG_RDI), insn->size, w,
                       &op[n].la, res);
        if (s == MMIOEMU_OK)
            s = x86_check_ac(cpu, op[n].la, insn->size, res);
        if (s != MMIOEMU_OK)
            return -(int)s;
        op[n].size = insn->size, op[n].rmw = false;
        op[n].wrap32 = x86_la_wraps32(cpu);
        op[n].acc_flags = (uint16_t)((w ? MMIOEMU_ACC_WRITE : 0) | (n ? MMIOEMU_ACC_SECOND : 0));
        n++;
    }
    return (int)n;
}

/* REP with rCX = 0: nothing is accessed, so this cannot be the faulting
 * instruction. */
static mmioemu_status zero_count_check(const plan_ctx *pc)
{
    if (pc->check_fault && pc->fault &&
        (pc->fault->flags & (MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA)))
        return MMIOEMU_ERR_ADDRESS_MISMATCH;
    return MMIOEMU_OK;
}

/* Inlined into the element loop: its operands are the only locals it adds
 * there, and one call level less is 56 bytes (docs/stack.md). */
static inline __attribute__((always_inline)) mmioemu_status
string_plan(const plan_ctx *pc, const mmioemu_insn *insn, const mmioemu_cpu *cpu, plan_list *out,
            mmioemu_result *res, plan_operand op[2], uint64_t *op_la)
{
    out->count = 0;
    if (is_rep(insn) && areg(cpu, insn, MMIOEMU_REG_RCX) == 0)
        return zero_count_check(pc);
    int n = string_operands(insn, cpu, op, res);
    if (n < 0)
        return (mmioemu_status)-n;
    mmioemu_status s = plan_check_fault(pc, op, (unsigned)n);
    /* Unrolled, and whether there is a second operand asked of the kind
     * again: the loop's cursor and end, or n, lived in saved registers
     * across the calls (aarch64 frame 272 before, 224 now: docs/stack.md). */
    if (s == MMIOEMU_OK)
        s = plan_add_la(pc, &op[0], out, op_la);
    if (s == MMIOEMU_OK && two_operands(insn->kind))
        s = plan_add_la(pc, &op[1], out, op_la);
    return s;
}

mmioemu_status x86_string_plan(const plan_ctx *pc, const mmioemu_insn *insn, const mmioemu_cpu *cpu,
                               plan_list *out, uint64_t op_la[2], mmioemu_result *res)
{
    plan_operand op[2];
    return string_plan(pc, insn, cpu, out, res, op, op_la);
}

/* One element on the planned pieces: data callbacks, then, only when every
 * one succeeded, the registers (CMPS/SCAS flags: cmp_flags(), right after).
 * Each register written (rAX, rSI, rDI, rCX) depends only on its own old
 * value, so they are written in turn with no write-back buffer. */
static __attribute__((noinline)) mmioemu_status element(const plan_ctx *pc,
                                                        const mmioemu_insn *insn,
                                                        const plan_list *l, mmioemu_cpu *cpu,
                                                        uint8_t data[2][8])
{
    mmioemu_x86_state *x = &cpu->u.x86;
    uint8_t *a = data[0], *b = data[1];
    unsigned size = insn->size > 8 ? 8 : insn->size, k = insn->kind;
    mmioemu_status s = MMIOEMU_OK;
    switch (k) {
    case MMIOEMU_KIND_MOVS: /* both sides may be MMIO or RAM */
        s = exec_move(pc->ops, pc->ctx, l, false, a, false);
        if (s == MMIOEMU_OK)
            s = exec_move(pc->ops, pc->ctx, l, true, a, true);
        break;
    case MMIOEMU_KIND_STOS:
        mm_store_le(a, x->gpr[MMIOEMU_REG_RAX], size);
        s = exec_move(pc->ops, pc->ctx, l, false, a, true);
        break;
    case MMIOEMU_KIND_LODS: /* rAX written below */
        s = exec_move(pc->ops, pc->ctx, l, false, a, false);
        break;
    case MMIOEMU_KIND_CMPS: /* flags: cmp_flags() */
        s = exec_move(pc->ops, pc->ctx, l, false, a, false);
        if (s == MMIOEMU_OK)
            s = exec_move(pc->ops, pc->ctx, l, true, b, false);
        break;
    default: /* SCAS; flags: cmp_flags() */
        s = exec_move(pc->ops, pc->ctx, l, false, a, false);
        break;
    }
    if (s != MMIOEMU_OK)
        return s;
    /* SDM MOVS: rSI/rDI step by the element size, down when DF = 1. */
    uint64_t step = (x->rflags & MMIOEMU_FLAG_DF) ? (uint64_t)0 - size : size;
    unsigned as = asize(insn);
    if (k == MMIOEMU_KIND_LODS)
        x86_reg_set(x, MMIOEMU_REG_RAX, size, mm_load_le(a, size));
    if (uses_src(k))
        x86_reg_set(x, MMIOEMU_REG_RSI, as, x->gpr[MMIOEMU_REG_RSI] + step);
    if (uses_dst(k))
        x86_reg_set(x, MMIOEMU_REG_RDI, as, x->gpr[MMIOEMU_REG_RDI] + step);
    if (is_rep(insn))
        x86_reg_set(x, MMIOEMU_REG_RCX, as, x->gpr[MMIOEMU_REG_RCX] - 1);
    return MMIOEMU_OK;
}

/* CMPS / SCAS flags of a completed element (SDM CMPS: [rSI] - [rDI]; SCAS:
 * rAX - [rDI]), from the bytes the element read: computed here, beside the
 * element rather than inside it, so x86_alu's frame is not under the
 * element's (docs/stack.md). The element can no longer fail. */
static void cmp_flags(const mmioemu_insn *insn, mmioemu_x86_state *x, uint8_t data[2][8])
{
    unsigned size = insn->size > 8 ? 8 : insn->size;
    if (insn->kind == MMIOEMU_KIND_CMPS)
        x86_alu(MMIOEMU_OP_CMP, size, mm_load_le(data[0], size), mm_load_le(data[1], size),
                &x->rflags);
    else if (insn->kind == MMIOEMU_KIND_SCAS)
        x86_alu(MMIOEMU_OP_CMP, size, x->gpr[MMIOEMU_REG_RAX], mm_load_le(data[0], size),
                &x->rflags);
}

/* REPE/REPNE CMPS/SCAS stop when ZF says so (SDM Vol. 2B REP table). */
static bool cond_stop(const mmioemu_insn *insn, uint64_t rflags)
{
    if (insn->kind != MMIOEMU_KIND_CMPS && insn->kind != MMIOEMU_KIND_SCAS)
        return false;
    bool zf = (rflags & MMIOEMU_FLAG_ZF) != 0;
    return (insn->flags & MMIOEMU_F_REPNE) ? zf : !zf;
}

/* REP with ECX = 0 under a 32-bit address size in 64-bit mode: Intel CPUs
 * still clear bits 63:32 of RCX, and for MOVS of RSI/RDI, for STOS of RDI
 * (KVM emulate.c string_registers_quirk(): "Intel CPUs mask the counter and
 * pointers in quite strange manner when ECX is zero"; our oracle is KVM on
 * an Intel Xeon). */
static void zero_count_quirk(const mmioemu_insn *insn, mmioemu_cpu *cpu)
{
    mmioemu_x86_state *x = &cpu->u.x86;
    if (cpu->mode != MMIOEMU_X86_64 || asize(insn) != 4)
        return;
    x->gpr[MMIOEMU_REG_RCX] = 0;
    if (insn->kind == MMIOEMU_KIND_MOVS)
        x->gpr[MMIOEMU_REG_RSI] &= 0xffffffffu;
    if (insn->kind == MMIOEMU_KIND_MOVS || insn->kind == MMIOEMU_KIND_STOS)
        x->gpr[MMIOEMU_REG_RDI] &= 0xffffffffu;
}

static inline __attribute__((always_inline)) mmioemu_status
string_run(plan_ctx *pc, const mmioemu_insn *insn, const plan_list *plan, plan_list *scratch,
           mmioemu_cpu *cpu, mmioemu_result *res)
{
    mmioemu_x86_state *x = &cpu->u.x86;
    /* An element's operands are dead once it is planned: its data bytes
     * reuse them (the element's own frame stays small, docs/stack.md). */
    union {
        plan_operand op[2];
        uint8_t data[2][8];
    } u;
    uint32_t done = 0, budget = pc->policy->rep_budget ? pc->policy->rep_budget : 1024;
    mmioemu_status s = MMIOEMU_OK;
    if (pc->policy->flags & MMIOEMU_POLICY_NO_STRING)
        return MMIOEMU_ERR_DENIED;
    if (!plan && is_rep(insn) && areg(cpu, insn, MMIOEMU_REG_RCX) == 0) {
        s = zero_count_check(pc); /* the fault check still applies */
        if (s != MMIOEMU_OK)
            return s;
    }
    for (;;) {
        if (is_rep(insn) && areg(cpu, insn, MMIOEMU_REG_RCX) == 0)
            break;
        if (done == budget) {
            s = MMIOEMU_ERR_RETRY;
            break;
        }
        const plan_list *l = plan;
        if (done || !plan) {
            s = string_plan(pc, insn, cpu, scratch, res, u.op, NULL);
            if (s != MMIOEMU_OK)
                break;
            l = scratch;
        }
        pc->check_fault = false; /* later elements move away from the fault */
        s = element(pc, insn, l, cpu, u.data);
        if (s != MMIOEMU_OK)
            break;
        cmp_flags(insn, x, u.data);
        done++;
        if (!is_rep(insn) || cond_stop(insn, x->rflags))
            break;
    }
    if (res)
        res->iterations = done;
    if (s == MMIOEMU_OK && done == 0 && is_rep(insn))
        zero_count_quirk(insn, cpu);
    if (s == MMIOEMU_OK)
        x->rip = x86_next_rip(cpu, insn->length);
    return s;
}

mmioemu_status x86_string_execute(plan_ctx *pc, const mmioemu_insn *insn, const plan_list *plan,
                                  plan_list *scratch, mmioemu_cpu *cpu, mmioemu_result *res)
{
    return string_run(pc, insn, plan, scratch, cpu, res);
}

/* mmioemu_emulate's string path: the element loop and the one piece list
 * every element is planned into share this frame (docs/stack.md). */
mmioemu_status x86_string_emulate(plan_ctx *pc, const mmioemu_insn *insn, mmioemu_cpu *cpu,
                                  mmioemu_result *res)
{
    plan_list l;
    l.count = 0;
    return string_run(pc, insn, NULL, &l, cpu, res);
}
