/* arm64 plan / execute / commit for the kinds the decoder and the ESR fast
 * path produce: READ, WRITE, LOAD_PAIR, STORE_PAIR, FLUSH, and ATOMIC (data
 * through a64_atomic.c). Splitting, physical addresses, policy and the fault
 * check are the shared planner's (emul/access.h); this file only knows arm64
 * addressing, register widths, extension, data endianness and writeback. It
 * writes nothing before every callback succeeded. Exclusives, CASP,
 * structures, DC ZVA: UNSUPPORTED. */
#include "a64_emul.h"

#include "../lib/bytes.h"

#define A64_WB (MMIOEMU_F_WB_PRE | MMIOEMU_F_WB_POST)

static bool is_pair(const mmioemu_insn *insn)
{
    return insn->kind == MMIOEMU_KIND_LOAD_PAIR || insn->kind == MMIOEMU_KIND_STORE_PAIR;
}

static bool is_load(const mmioemu_insn *insn)
{
    return insn->kind == MMIOEMU_KIND_READ || insn->kind == MMIOEMU_KIND_LOAD_PAIR;
}

static bool is_vreg(uint8_t r)
{
    return r >= MMIOEMU_REG_V0 && r < MMIOEMU_REG_V0 + 32;
}

/* A data register the emulator can move: X0..X30, XZR, or V0..V31 with a
 * size the register can hold (C1.2.5: 31 is the zero register as Rt). */
static bool data_reg_ok(uint8_t r, unsigned size)
{
    if (is_vreg(r)) /* B, H, S, D, Q */
        return size <= 16 && ((0x10116u >> size) & 1);
    return (r <= 30 || r == MMIOEMU_REG_ZR) && size <= 8 && ((0x116u >> size) & 1);
}

/* MMIOEMU_KIND_ATOMIC: [Xn|SP] only, GPR Rt and Rs, a known operation. */
static bool atomic_ok(const mmioemu_insn *insn)
{
    uint8_t op = insn->op;
    bool op_ok = op == MMIOEMU_OP_ADD || op == MMIOEMU_OP_XOR || op == MMIOEMU_OP_OR ||
                 (op >= MMIOEMU_OP_ANDN && op <= MMIOEMU_OP_CAS);
    return op_ok && insn->mem.base <= 31 && insn->mem.index == MMIOEMU_REG_NONE &&
           !(insn->flags & (A64_WB | MMIOEMU_F_LITERAL)) && !is_vreg(insn->reg) &&
           !is_vreg(insn->reg2) && data_reg_ok(insn->reg, insn->size) &&
           data_reg_ok(insn->reg2, insn->size) && (insn->dst_size == 4 || insn->dst_size == 8);
}

/* What this emulator does and refuses, from the descriptor alone, so plan and
 * execute agree. CONSTRAINED UNPREDICTABLE forms are refused, never guessed:
 * writeback with Rn == Rt or Rn == Rt2 (Rn != 31) (Arm ARM C6.2 LDR/STR/LDP/STP
 * (immediate), "CONSTRAINED UNPREDICTABLE behavior"), and LDP/LDPSW/LDNP with
 * Rt == Rt2 (same sections). */
static mmioemu_status a64_check(const mmioemu_insn *insn)
{
    const mmioemu_mem *m = &insn->mem;
    switch (insn->kind) {
    case MMIOEMU_KIND_FLUSH: return MMIOEMU_OK;
    case MMIOEMU_KIND_ATOMIC: return atomic_ok(insn) ? MMIOEMU_OK : MMIOEMU_ERR_ARG;
    case MMIOEMU_KIND_READ:
    case MMIOEMU_KIND_WRITE:
    case MMIOEMU_KIND_LOAD_PAIR:
    case MMIOEMU_KIND_STORE_PAIR: break;
    default: return MMIOEMU_ERR_UNSUPPORTED;
    }
    if (!data_reg_ok(insn->reg, insn->size) ||
        (is_pair(insn) && !data_reg_ok(insn->reg2, insn->size)))
        return MMIOEMU_ERR_ARG;
    if (is_load(insn) && !is_vreg(insn->reg) && insn->dst_size != 4 && insn->dst_size != 8)
        return MMIOEMU_ERR_ARG;
    if (m->index != MMIOEMU_REG_NONE && (insn->flags & A64_WB))
        return MMIOEMU_ERR_UNSUPPORTED; /* post-index by register: structures only */
    if ((insn->flags & A64_WB) && m->base <= 30 &&
        (m->base == insn->reg || (is_pair(insn) && m->base == insn->reg2)))
        return MMIOEMU_ERR_UNSUPPORTED;
    if (insn->kind == MMIOEMU_KIND_LOAD_PAIR && insn->reg == insn->reg2)
        return MMIOEMU_ERR_UNSUPPORTED;
    return MMIOEMU_OK;
}

/* Base register: 31 is SP here (C1.2.5). */
static uint64_t base_value(const mmioemu_arm64_state *s, uint8_t r)
{
    return r == MMIOEMU_REG_SP ? s->sp : s->x[r];
}

/* Data register read: XZR reads as zero. */
static uint64_t gpr_value(const mmioemu_arm64_state *s, uint8_t r)
{
    return r <= 30 ? s->x[r] : 0;
}

/* C6.2 LDR (register): ExtendReg(m, option, shift). */
static uint64_t index_value(const mmioemu_arm64_state *s, const mmioemu_mem *m)
{
    if (m->index == MMIOEMU_REG_NONE)
        return 0;
    uint64_t v = gpr_value(s, m->index);
    switch (m->index_ext) {
    case MMIOEMU_IDX_UXTW: v = (uint32_t)v; break;
    case MMIOEMU_IDX_SXTW: v = mm_sext((uint32_t)v, 4); break;
    default: /* LSL (UXTX), SXTX: the whole 64-bit register */ break;
    }
    return v << (m->shift & 63);
}

/* Virtual address of the (first) access. The ESR form has no address
 * expression: the trap's FAR (GLA), or failing that its IPA, is the address. */
static mmioemu_status a64_address(const plan_ctx *pc, const mmioemu_insn *insn,
                                  const mmioemu_arm64_state *s, uint64_t *addr)
{
    const mmioemu_mem *m = &insn->mem;
    if (m->base == MMIOEMU_REG_NONE) {
        const mmioemu_fault *f = pc->fault;
        if (f && (f->flags & MMIOEMU_FAULT_GLA))
            *addr = f->gla;
        else if (f && (f->flags & MMIOEMU_FAULT_GPA))
            *addr = f->gpa;
        else
            return MMIOEMU_ERR_ARG;
        return MMIOEMU_OK;
    }
    /* Literal: PC of this instruction + offset (MMIOEMU_F_LITERAL, base
     * MMIOEMU_REG_RIP). */
    if (insn->flags & MMIOEMU_F_LITERAL) {
        *addr = s->pc + (uint64_t)m->disp;
        return MMIOEMU_OK;
    }
    if (m->base > 31)
        return MMIOEMU_ERR_ARG;
    /* Post-index accesses at the base; pre-index and offset forms at base + disp. */
    uint64_t disp = (insn->flags & MMIOEMU_F_WB_POST) ? 0 : (uint64_t)m->disp;
    *addr = base_value(s, m->base) + index_value(s, m) + disp;
    return MMIOEMU_OK;
}

/* How many operands a checked instruction accesses: none for FLUSH (DC/IC
 * by VA, PRFM), two for pairs (Rt, Rt2), else one. */
static unsigned operand_count(const mmioemu_insn *insn)
{
    return insn->kind == MMIOEMU_KIND_FLUSH ? 0 : is_pair(insn) ? 2 : 1;
}

/* The operand_count() operand(s) of the instruction. Out of line so its
 * temporaries are gone while the pieces are planned. */
static __attribute__((noinline)) mmioemu_status a64_operands(const plan_ctx *pc,
                                                             const mmioemu_insn *insn,
                                                             const mmioemu_arm64_state *st,
                                                             plan_operand *ops)
{
    mmioemu_status s = a64_check(insn);
    if (s != MMIOEMU_OK || insn->kind == MMIOEMU_KIND_FLUSH)
        return s; /* DC/IC by VA, PRFM: no data access to plan */
    uint64_t addr;
    s = a64_address(pc, insn, st, &addr);
    if (s != MMIOEMU_OK)
        return s;
    bool atomic = insn->kind == MMIOEMU_KIND_ATOMIC;
    /* Atomics must be naturally aligned (B2.2.1; a Device access faults
     * otherwise) and stay one piece: one cmpxchg cannot span two. */
    if (atomic && (addr & (insn->size - 1u)))
        return MMIOEMU_ERR_UNSUPPORTED;
    uint16_t dir = is_load(insn) ? 0 : MMIOEMU_ACC_WRITE;
    ops[0].la = addr;
    ops[0].size = insn->size;
    ops[0].acc_flags = dir;
    ops[0].rmw = atomic;
    ops[0].wrap32 = false;
    /* Pairs: Rt at addr, Rt2 at addr + size (C6.2 STP: "address + dbytes"). */
    ops[1].la = addr + insn->size;
    ops[1].size = insn->size;
    ops[1].acc_flags = (uint16_t)(dir | MMIOEMU_ACC_SECOND);
    ops[1].rmw = false;
    ops[1].wrap32 = false;
    return MMIOEMU_OK;
}

/* Inlined into a64_emulate (one frame around the piece list, docs/stack.md)
 * and behind the public-path a64_plan. */
static inline __attribute__((always_inline)) mmioemu_status
plan_insn(const plan_ctx *pc, const mmioemu_insn *insn, const mmioemu_cpu *cpu, plan_list *out,
          uint64_t *op_la)
{
    plan_operand ops[2];
    out->count = 0;
    mmioemu_status s = a64_operands(pc, insn, &cpu->u.arm64, ops);
    unsigned n = operand_count(insn);
    if (s != MMIOEMU_OK || n == 0)
        return s;
    s = plan_check_fault(pc, ops, n);
    for (unsigned i = 0; i < n && s == MMIOEMU_OK; i++)
        s = plan_add_la(pc, &ops[i], out, op_la);
    if (s == MMIOEMU_OK && insn->kind == MMIOEMU_KIND_ATOMIC && out->count != 1)
        return MMIOEMU_ERR_UNSUPPORTED;
    return s;
}

/* Register -> memory bytes of one element (big-endian data: bytes of each
 * element reversed, Arm ARM B2.6.2; a Q register is one 16-byte element). */
static void reg_to_bytes(const mmioemu_arm64_state *s, uint8_t r, unsigned size, uint8_t *buf)
{
    if (is_vreg(r)) {
        const uint8_t *v = s->v[r - MMIOEMU_REG_V0];
        for (unsigned i = 0; i < size; i++)
            buf[i] = s->big_endian ? v[size - 1 - i] : v[i];
    } else if (s->big_endian) {
        mm_store_be(buf, gpr_value(s, r), size);
    } else {
        mm_store_le(buf, gpr_value(s, r), size);
    }
}

/* Memory bytes -> register, with the descriptor's extension. W results zero
 * bits 63:32 (C1.2.5), SIMD&FP scalar loads zero the rest of the V register
 * (C7.2 LDR (SIMD&FP)), XZR discards. Called only at commit. */
static void bytes_to_reg(mmioemu_arm64_state *s, const mmioemu_insn *insn, uint8_t r,
                         const uint8_t *buf)
{
    unsigned size = insn->size;
    if (is_vreg(r)) {
        uint8_t *v = s->v[r - MMIOEMU_REG_V0];
        for (unsigned i = 0; i < 16; i++)
            v[i] = i >= size ? 0 : s->big_endian ? buf[size - 1 - i] : buf[i];
        return;
    }
    uint64_t val = s->big_endian ? mm_load_be(buf, size) : mm_load_le(buf, size);
    if (insn->ext == MMIOEMU_EXT_SIGN)
        val = mm_sext(val, size);
    val &= mm_mask(insn->dst_size);
    if (r <= 30)
        s->x[r] = val;
}

/* Same pattern as plan_insn() above. */
static inline __attribute__((always_inline)) mmioemu_status
execute_insn(const plan_ctx *pc, const mmioemu_insn *insn, const plan_list *plan, mmioemu_cpu *cpu)
{
    mmioemu_arm64_state *s = &cpu->u.arm64;
    mmioemu_status st = a64_check(insn);
    if (st != MMIOEMU_OK)
        return st;
    uint8_t buf[2][16];
    bool pair = is_pair(insn);
    uint64_t old = 0;
    if (insn->kind == MMIOEMU_KIND_FLUSH) {
        /* no data */
    } else if (insn->kind == MMIOEMU_KIND_ATOMIC) {
        st = a64_atomic_execute(pc, insn, plan, s, &old);
    } else if (is_load(insn)) {
        st = exec_read(pc->ops, pc->ctx, plan, false, buf[0]);
        if (st == MMIOEMU_OK && pair)
            st = exec_read(pc->ops, pc->ctx, plan, true, buf[1]);
    } else {
        reg_to_bytes(s, insn->reg, insn->size, buf[0]);
        if (pair)
            reg_to_bytes(s, insn->reg2, insn->size, buf[1]);
        st = exec_write(pc->ops, pc->ctx, plan, false, buf[0]);
        if (st == MMIOEMU_OK && pair)
            st = exec_write(pc->ops, pc->ctx, plan, true, buf[1]);
    }
    if (st != MMIOEMU_OK)
        return st;
    /* Commit: loaded registers, then the base (never the same register: a64_check). */
    if (is_load(insn)) {
        bytes_to_reg(s, insn, insn->reg, buf[0]);
        if (pair)
            bytes_to_reg(s, insn, insn->reg2, buf[1]);
    }
    if (insn->kind == MMIOEMU_KIND_ATOMIC) {
        /* C6.2 CAS: Rs receives the old value; LD<op>/SWP: Rt does (XZR: discarded). */
        uint8_t r = insn->op == MMIOEMU_OP_CAS ? insn->reg2 : insn->reg;
        if (r <= 30)
            s->x[r] = old;
    }
    if ((insn->flags & A64_WB) && insn->mem.base <= 31) {
        uint64_t nb = base_value(s, insn->mem.base) + (uint64_t)insn->mem.disp;
        if (insn->mem.base == MMIOEMU_REG_SP)
            s->sp = nb;
        else
            s->x[insn->mem.base] = nb;
    }
    s->pc += insn->length;
    return MMIOEMU_OK;
}

mmioemu_status a64_plan(const plan_ctx *pc, const mmioemu_insn *insn, const mmioemu_cpu *cpu,
                        plan_list *out, uint64_t op_la[2], mmioemu_result *res)
{
    (void)res;
    return plan_insn(pc, insn, cpu, out, op_la);
}

mmioemu_status a64_execute(const plan_ctx *pc, const mmioemu_insn *insn, const plan_list *plan,
                           mmioemu_cpu *cpu, mmioemu_result *res)
{
    (void)res;
    return execute_insn(pc, insn, plan, cpu);
}

mmioemu_status a64_emulate(const plan_ctx *pc, const mmioemu_insn *insn, mmioemu_cpu *cpu,
                           mmioemu_result *res)
{
    plan_list l;
    (void)res;
    l.count = 0;
    mmioemu_status s = plan_insn(pc, insn, cpu, &l, NULL);
    return s != MMIOEMU_OK ? s : execute_insn(pc, insn, &l, cpu);
}
