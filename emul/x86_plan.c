/* x86 planning: from a descriptor and the registers to the operand(s) of
 * one instruction - linear address, CPU-level checks (alignment, segment,
 * canonical), the fault check, then page/region pieces (emul/access.c).
 * Pure apart from the translate/is_mmio queries; never a data callback. */
#include "x86_emul.h"

#include "../lib/bytes.h"

/* How each kind touches its memory operand. */
enum { MEM_R = 1, MEM_W = 2, MEM_RW = 3, MEM_NONE = 4 };

static const uint8_t kind_mem[MMIOEMU_KIND_COUNT_] = {
    [MMIOEMU_KIND_READ] = MEM_R,          [MMIOEMU_KIND_WRITE] = MEM_W,
    [MMIOEMU_KIND_WRITE_IMM] = MEM_W,     [MMIOEMU_KIND_ALU_RMW] = MEM_RW,
    [MMIOEMU_KIND_ALU_READ] = MEM_R,      [MMIOEMU_KIND_CMP] = MEM_R,
    [MMIOEMU_KIND_XCHG] = MEM_RW,         [MMIOEMU_KIND_CMPXCHG] = MEM_RW,
    [MMIOEMU_KIND_CMPXCHG_WIDE] = MEM_RW, [MMIOEMU_KIND_XADD] = MEM_RW,
    [MMIOEMU_KIND_BT] = MEM_RW,           [MMIOEMU_KIND_MOVDIR64B] = MEM_R,
    [MMIOEMU_KIND_FLUSH] = MEM_NONE,
};

static bool is_vec(unsigned reg)
{
    return reg >= MMIOEMU_REG_V0 && reg < MMIOEMU_REG_V0 + 32;
}

/* Sizes and registers the executor can handle for this kind. */
static bool shape_ok(const mmioemu_insn *insn)
{
    unsigned k = insn->kind, sz = insn->size;
    if (k == MMIOEMU_KIND_READ || k == MMIOEMU_KIND_WRITE) {
        if (is_vec(insn->reg))
            return sz == 4 || sz == 8 || sz == 16 || sz == 32 || sz == 64;
        if (insn->reg >= 20)
            return false;
    }
    if (k == MMIOEMU_KIND_CMPXCHG_WIDE)
        return sz == 8 || sz == 16;
    if (k == MMIOEMU_KIND_MOVDIR64B)
        return sz == 64 && insn->reg < 16;
    if (k == MMIOEMU_KIND_FLUSH)
        return true;
    if (k != MMIOEMU_KIND_WRITE_IMM && is_vec(insn->reg))
        return false;
    return sz == 1 || sz == 2 || sz == 4 || sz == 8;
}

bool x86_kind_supported(const mmioemu_insn *insn)
{
    return insn->kind < MMIOEMU_KIND_COUNT_ && (kind_mem[insn->kind] || x86_is_string(insn)) &&
           shape_ok(insn);
}

/* BT with a register bit offset addresses the operand-size unit that holds
 * the bit: SDM Vol. 2A BT "bit offset operand ... (offset >> 3) & ~(size-1)",
 * the offset being signed at the operand size. */
static int64_t bt_displacement(const mmioemu_insn *insn, const mmioemu_cpu *cpu)
{
    if (insn->kind != MMIOEMU_KIND_BT || (insn->flags & MMIOEMU_F_IMM))
        return 0;
    int64_t off = (int64_t)mm_sext(x86_reg_get(&cpu->u.x86, insn->reg, insn->size), insn->size);
    return (off >> 3) & ~(int64_t)(insn->size - 1);
}

static mmioemu_status raise_gp(mmioemu_result *res)
{
    x86_raise(res, X86_VEC_GP, 0);
    return MMIOEMU_ERR_EXCEPTION;
}

/* MOVDIR64B: the destination ES:[reg] (SDM Vol. 2B MOVDIR64B: register at
 * the address size, no override, #GP(0) unless 64-byte aligned). */
static mmioemu_status movdir64b_dst(const mmioemu_insn *insn, const mmioemu_cpu *cpu,
                                    plan_operand *op, mmioemu_result *res)
{
    unsigned as = insn->mem.addr_size ? insn->mem.addr_size : 8;
    uint64_t off = cpu->u.x86.gpr[insn->reg & 15] & mm_mask(as);
    mmioemu_status s = x86_linear(cpu, MMIOEMU_SEG_ES, off, 64, true, &op->la, res);
    if (s != MMIOEMU_OK)
        return s;
    if (op->la & 63)
        return raise_gp(res);
    op->size = 64;
    op->acc_flags = MMIOEMU_ACC_WRITE | MMIOEMU_ACC_SECOND;
    op->rmw = false;
    op->wrap32 = x86_la_wraps32(cpu);
    return MMIOEMU_OK;
}

/* The operand(s) of a non-string instruction, CPU checks included. Inline
 * in x86_plan_operands, which is out of line: its temporaries are off the
 * stack while the pieces are planned, and one call level less sits under
 * x86_linear (docs/stack.md).
 * Returns the operand count in *n; *n = 0 with OK means "no data access". */
static inline __attribute__((always_inline)) mmioemu_status
x86_operands(const mmioemu_insn *insn, const mmioemu_cpu *cpu, plan_operand *op, unsigned *n,
             mmioemu_result *res)
{
    unsigned mem = kind_mem[insn->kind];
    unsigned size = mem == MEM_NONE ? 1 : insn->size;
    bool w = mem == MEM_W || (mem == MEM_RW && insn->op != MMIOEMU_OP_BT);
    uint64_t off = x86_effective(insn, cpu, bt_displacement(insn, cpu));
    mmioemu_status s = x86_linear(cpu, insn->mem.seg, off, size, w, &op[0].la, res);
    if (s != MMIOEMU_OK)
        return s;
    /* SDM Vol. 2: MOVAPS/MOVDQA/MOVNTDQ... and CMPXCHG16B fault on misalignment. */
    if (((insn->flags & MMIOEMU_F_ALIGNED) ||
         (insn->kind == MMIOEMU_KIND_CMPXCHG_WIDE && size == 16)) &&
        (op[0].la & (size - 1)))
        return raise_gp(res);
    if (mem != MEM_NONE && !is_vec(insn->reg)) {
        s = x86_check_ac(cpu, op[0].la, size, res);
        if (s != MMIOEMU_OK)
            return s;
    }
    op[0].size = size;
    op[0].acc_flags = w ? MMIOEMU_ACC_WRITE : 0;
    op[0].rmw = w && mem == MEM_RW;
    op[0].wrap32 = x86_la_wraps32(cpu);
    *n = 1;
    if (mem == MEM_NONE) /* CLFLUSH & co.: must still name the fault's byte, either direction */
        op[0].rmw = true;
    if (insn->kind == MMIOEMU_KIND_MOVDIR64B) {
        *n = 2;
        return movdir64b_dst(insn, cpu, &op[1], res);
    }
    return MMIOEMU_OK;
}

mmioemu_status x86_plan_operands(const plan_ctx *pc, const mmioemu_insn *insn,
                                 const mmioemu_cpu *cpu, plan_operand *op, unsigned *n,
                                 mmioemu_result *res)
{
    *n = 0;
    if (!x86_kind_supported(insn) || x86_is_string(insn))
        return MMIOEMU_ERR_UNSUPPORTED;
    mmioemu_status s = x86_operands(insn, cpu, op, n, res);
    if (s == MMIOEMU_OK)
        s = plan_check_fault(pc, op, *n);
    if (kind_mem[insn->kind] == MEM_NONE)
        *n = 0; /* checked, nothing to access */
    return s;
}

mmioemu_status x86_plan(const plan_ctx *pc, const mmioemu_insn *insn, const mmioemu_cpu *cpu,
                        plan_list *out, uint64_t op_la[2], mmioemu_result *res)
{
    out->count = 0;
    if (x86_is_string(insn)) {
        if (pc->policy->flags & MMIOEMU_POLICY_NO_STRING)
            return MMIOEMU_ERR_DENIED;
        return x86_string_plan(pc, insn, cpu, out, op_la, res);
    }
    plan_operand op[2];
    unsigned n = 0;
    mmioemu_status s = x86_plan_operands(pc, insn, cpu, op, &n, res);
    for (unsigned i = 0; s == MMIOEMU_OK && i < n; i++)
        s = plan_add_la(pc, &op[i], out, op_la);
    return s;
}
