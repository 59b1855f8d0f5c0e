/* x86 execute + commit: one handler per mmioemu_kind (table below). A
 * handler performs the data callbacks (all reads before any write), then,
 * once none can fail any more, writes its registers itself; flags are
 * computed into the context, and x86_execute commits them and advances RIP
 * only when the handler succeeded. LOCK forms and XCHG go through
 * ops->cmpxchg. */
#include "x86_emul.h"

#include "../lib/bytes.h"

/* Attempts of a locked read-modify-write whose cmpxchg keeps reporting a
 * changed value before we give up with RETRY (the guest re-executes). */
#define LOCK_TRIES 16

typedef struct xc {
    const plan_ctx *pc;
    const mmioemu_insn *in;
    const plan_list *l;
    mmioemu_cpu *cpu;
    uint64_t fl; /* new RFLAGS */
} xc;

typedef uint64_t (*x86_compute)(xc *c, uint64_t old);

/* Handlers stay out of line: inlined into one dispatcher their buffers
 * would add up in its frame instead of taking turns (docs/stack.md). */
#define HANDLER __attribute__((noinline)) mmioemu_status

/* The callbacks are called from the handler's own frame (exec_move is
 * inline): one call level less under every handler (docs/stack.md). */
static inline __attribute__((always_inline)) mmioemu_status rd(xc *c, uint8_t *buf)
{
    return exec_move(c->pc->ops, c->pc->ctx, c->l, false, buf, false);
}

static inline __attribute__((always_inline)) mmioemu_status wr(xc *c, const uint8_t *buf)
{
    return exec_move(c->pc->ops, c->pc->ctx, c->l, false, (uint8_t *)buf, true);
}

static const mmioemu_x86_state *xs(const xc *c)
{
    return &c->cpu->u.x86;
}

/* A register result, written once every callback of the instruction has
 * succeeded (so an error leaves the vCPU untouched, without a write-back
 * buffer on the stack: docs/stack.md). */
static void set_reg(xc *c, unsigned reg, unsigned size, uint64_t v)
{
    x86_reg_set(&c->cpu->u.x86, reg, size, v);
}

/* The register or immediate source operand at the operand size. */
static uint64_t src_value(const xc *c)
{
    if (c->in->flags & MMIOEMU_F_IMM)
        return (uint64_t)c->in->imm & mm_mask(c->in->size);
    if (c->in->reg == MMIOEMU_REG_NONE)
        return 0;
    return x86_reg_get(xs(c), c->in->reg, c->in->size);
}

/* Locked forms need one piece (a split locked access is a bus lock we
 * cannot reproduce with one callback) and the cmpxchg callback. */
static bool can_lock(const xc *c)
{
    return c->l->count == 1 && c->pc->ops && c->pc->ops->cmpxchg;
}

/* Read-modify-write: unlocked = read, compute, write; locked (LOCK prefix,
 * or XCHG which is always locked - SDM Vol. 2B XCHG) = read, then cmpxchg
 * until memory still held the value we computed from. On success *old is
 * the memory's value the result was computed from. Inlined into each
 * caller so `f` is a direct call (a complete static call graph). */
static inline __attribute__((always_inline)) mmioemu_status rmw(xc *c, x86_compute f, uint64_t *old)
{
    uint8_t cur[8], nb[8];
    unsigned size = c->in->size;
    bool locked = (c->in->flags & MMIOEMU_F_LOCK) || c->in->kind == MMIOEMU_KIND_XCHG;
    if (locked && !can_lock(c))
        return MMIOEMU_ERR_UNSUPPORTED;
    mmioemu_status s = rd(c, cur);
    if (s != MMIOEMU_OK)
        return s;
    for (unsigned t = 0; t < LOCK_TRIES; t++) {
        c->fl = xs(c)->rflags;
        *old = mm_load_le(cur, size);
        mm_store_le(nb, f(c, *old), size);
        if (!locked)
            return wr(c, nb);
        int rc = c->pc->ops->cmpxchg(c->pc->ctx, c->l->pa[0], cur, nb, size);
        if (rc == 0)
            return MMIOEMU_OK;
        if (rc != 1)
            return MMIOEMU_ERR_CALLBACK;
    }
    return MMIOEMU_ERR_RETRY;
}

static uint64_t alu_compute(xc *c, uint64_t old)
{
    return x86_alu(c->in->op, c->in->size, old, src_value(c), &c->fl);
}

/* XCHG and XADD: memory gets the result, the register the old memory
 * value (set by the handler once the write succeeded). */
static uint64_t xchg_compute(xc *c, uint64_t old)
{
    (void)old;
    return src_value(c);
}

static uint64_t xadd_compute(xc *c, uint64_t old)
{
    /* SDM XADD: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP; flags of the add */
    return x86_alu(MMIOEMU_OP_ADD, c->in->size, old, src_value(c), &c->fl);
}

static unsigned bt_bit(const xc *c)
{
    /* SDM BT: an immediate offset is taken modulo the operand width; a
     * register offset's high part already moved the address (x86_plan.c). */
    return (unsigned)src_value(c) & (8u * c->in->size - 1);
}

static uint64_t bt_compute(xc *c, uint64_t old)
{
    return x86_bt(c->in->op, old, bt_bit(c), &c->fl) & mm_mask(c->in->size);
}

static HANDLER h_read(xc *c)
{
    uint8_t buf[64];
    const mmioemu_insn *in = c->in;
    mmioemu_status s = rd(c, buf);
    if (s != MMIOEMU_OK)
        return s;
    if (in->reg >= MMIOEMU_REG_V0) { /* nothing can fail after this: commit now */
        x86_vec_load(&c->cpu->u.x86, in, buf);
        return MMIOEMU_OK;
    }
    /* MOVBE: SDM Vol. 2B MOVBE swaps the bytes between memory and register. */
    uint64_t v =
        (in->flags & MMIOEMU_F_BSWAP) ? mm_load_be(buf, in->size) : mm_load_le(buf, in->size);
    if (in->ext == MMIOEMU_EXT_SIGN)
        v = mm_sext(v, in->size);
    set_reg(c, in->reg, in->dst_size ? in->dst_size : in->size, v);
    return MMIOEMU_OK;
}

static HANDLER h_write(xc *c)
{
    uint8_t buf[8];
    const mmioemu_insn *in = c->in;
    /* A vector store writes straight from the register's bytes (size <= 64,
     * x86_plan.c): nothing is committed, so no 64-byte copy on the stack. */
    if (in->reg >= MMIOEMU_REG_V0)
        return wr(c, x86_vec_bytes(xs(c), in->reg));
    uint64_t v = x86_reg_get(xs(c), in->reg, in->size);
    if (in->flags & MMIOEMU_F_BSWAP)
        mm_store_be(buf, v, in->size);
    else
        mm_store_le(buf, v, in->size);
    return wr(c, buf);
}

static HANDLER h_write_imm(xc *c)
{
    uint8_t buf[8];
    /* The descriptor's imm is already extended as the CPU does (C7 REX.W: sign). */
    mm_store_le(buf, (uint64_t)c->in->imm, c->in->size);
    return wr(c, buf);
}

static HANDLER h_alu_rmw(xc *c)
{
    uint64_t old;
    return rmw(c, alu_compute, &old);
}

static HANDLER h_xchg(xc *c)
{
    uint64_t old;
    mmioemu_status s = rmw(c, xchg_compute, &old);
    if (s == MMIOEMU_OK)
        set_reg(c, c->in->reg, c->in->size, old);
    return s;
}

static HANDLER h_xadd(xc *c)
{
    uint64_t old;
    mmioemu_status s = rmw(c, xadd_compute, &old);
    if (s == MMIOEMU_OK)
        set_reg(c, c->in->reg, c->in->size, old);
    return s;
}

static HANDLER h_alu_read(xc *c)
{
    uint8_t buf[8];
    const mmioemu_insn *in = c->in;
    mmioemu_status s = rd(c, buf);
    if (s != MMIOEMU_OK)
        return s;
    uint64_t r = x86_alu(in->op, in->size, x86_reg_get(xs(c), in->reg, in->size),
                         mm_load_le(buf, in->size), &c->fl);
    if (in->op != MMIOEMU_OP_CMP && in->op != MMIOEMU_OP_TEST)
        set_reg(c, in->reg, in->size, r);
    return MMIOEMU_OK;
}

static HANDLER h_cmp(xc *c)
{
    uint8_t buf[8];
    const mmioemu_insn *in = c->in;
    mmioemu_status s = rd(c, buf);
    if (s != MMIOEMU_OK)
        return s;
    uint64_t m = mm_load_le(buf, in->size), src = src_value(c);
    if (in->flags & MMIOEMU_F_MEM_SRC) /* CMP r, r/m: flags of reg - mem */
        x86_alu(in->op, in->size, src, m, &c->fl);
    else
        x86_alu(in->op, in->size, m, src, &c->fl);
    return MMIOEMU_OK;
}

static HANDLER h_bt(xc *c)
{
    uint8_t buf[8];
    uint64_t old;
    if (c->in->op != MMIOEMU_OP_BT)
        return rmw(c, bt_compute, &old);
    mmioemu_status s = rd(c, buf);
    if (s == MMIOEMU_OK)
        x86_bt(MMIOEMU_OP_BT, mm_load_le(buf, c->in->size), bt_bit(c), &c->fl);
    return s;
}

/* SDM Vol. 2A CMPXCHG: compare the accumulator with the destination; equal:
 * ZF=1, dest = src; else ZF=0, accumulator = dest, and the destination is
 * written back with its own value ("the processor never produces a locked
 * read without also producing a locked write"). Flags as CMP acc, dest. */
static HANDLER h_cmpxchg(xc *c)
{
    uint8_t cur[8], nb[8];
    const mmioemu_insn *in = c->in;
    unsigned size = in->size;
    uint64_t acc = x86_reg_get(xs(c), MMIOEMU_REG_RAX, size), m;
    mmioemu_status s;
    if (in->flags & MMIOEMU_F_LOCK) {
        if (!can_lock(c))
            return MMIOEMU_ERR_UNSUPPORTED;
        /* Guess "memory == accumulator"; when cmpxchg says otherwise it hands
         * back the value, and the next try writes that value back unchanged -
         * the locked write a failing CMPXCHG still performs. */
        mm_store_le(cur, acc, size);
        for (unsigned t = 0;; t++) {
            if (t == LOCK_TRIES)
                return MMIOEMU_ERR_RETRY;
            m = mm_load_le(cur, size);
            mm_store_le(nb, m == acc ? src_value(c) : m, size);
            int rc = c->pc->ops->cmpxchg(c->pc->ctx, c->l->pa[0], cur, nb, size);
            if (rc == 0)
                break;
            if (rc != 1)
                return MMIOEMU_ERR_CALLBACK;
        }
    } else {
        s = rd(c, cur);
        if (s != MMIOEMU_OK)
            return s;
        m = mm_load_le(cur, size);
        mm_store_le(nb, m == acc ? src_value(c) : m, size);
        s = wr(c, nb);
        if (s != MMIOEMU_OK)
            return s;
    }
    x86_alu(MMIOEMU_OP_CMP, size, acc, m, &c->fl);
    if (m != acc)
        set_reg(c, MMIOEMU_REG_RAX, size, m);
    return MMIOEMU_OK;
}

/* hi:lo register pair (EDX:EAX, ECX:EBX, or the 64-bit ones) as memory bytes. */
static inline __attribute__((always_inline)) void
pair_store(uint8_t *buf, const mmioemu_x86_state *x, unsigned lo, unsigned hi, unsigned half)
{
    mm_store_le(buf, x86_reg_get(x, lo, half), half);
    mm_store_le(buf + half, x86_reg_get(x, hi, half), half);
}

/* Memory bytes == EDX:EAX (RDX:RAX)? Compared by value: no third buffer. */
static inline __attribute__((always_inline)) bool
pair_equal(const uint8_t *buf, const mmioemu_x86_state *x, unsigned half)
{
    return mm_load_le(buf, half) == x86_reg_get(x, MMIOEMU_REG_RAX, half) &&
           mm_load_le(buf + half, half) == x86_reg_get(x, MMIOEMU_REG_RDX, half);
}

/* The value to store: ECX:EBX when equal, else the memory's own value. */
static inline __attribute__((always_inline)) bool
wide_new(uint8_t *nb, const uint8_t *cur, const mmioemu_x86_state *x, unsigned half)
{
    bool eq = pair_equal(cur, x, half);
    if (eq)
        pair_store(nb, x, MMIOEMU_REG_RBX, MMIOEMU_REG_RCX, half);
    else
        mm_copy(nb, cur, 2 * half);
    return eq;
}

/* SDM Vol. 2A CMPXCHG8B/16B: EDX:EAX (RDX:RAX) vs m64 (m128); equal: ZF=1,
 * m = ECX:EBX (RCX:RBX); else ZF=0, EDX:EAX = m. Other flags unaffected. */
static HANDLER h_cmpxchg_wide(xc *c)
{
    uint8_t cur[16], nb[16];
    unsigned size = c->in->size, half = size / 2;
    const mmioemu_x86_state *x = xs(c);
    bool eq;
    if (c->in->flags & MMIOEMU_F_LOCK) {
        if (!can_lock(c))
            return MMIOEMU_ERR_UNSUPPORTED;
        /* same guess-then-write-back scheme as h_cmpxchg: guess EDX:EAX */
        pair_store(cur, x, MMIOEMU_REG_RAX, MMIOEMU_REG_RDX, half);
        for (unsigned t = 0;; t++) {
            if (t == LOCK_TRIES)
                return MMIOEMU_ERR_RETRY;
            eq = wide_new(nb, cur, x, half);
            int rc = c->pc->ops->cmpxchg(c->pc->ctx, c->l->pa[0], cur, nb, size);
            if (rc == 0)
                break;
            if (rc != 1)
                return MMIOEMU_ERR_CALLBACK;
        }
    } else {
        mmioemu_status s = rd(c, cur);
        if (s != MMIOEMU_OK)
            return s;
        eq = wide_new(nb, cur, x, half);
        s = wr(c, nb);
        if (s != MMIOEMU_OK)
            return s;
    }
    c->fl = eq ? c->fl | MMIOEMU_FLAG_ZF : c->fl & ~(uint64_t)MMIOEMU_FLAG_ZF;
    if (!eq) {
        set_reg(c, MMIOEMU_REG_RAX, half, mm_load_le(cur, half));
        set_reg(c, MMIOEMU_REG_RDX, half, mm_load_le(cur + half, half));
    }
    return MMIOEMU_OK;
}

/* MOVDIR64B: 64 bytes read from the source, written as ONE 64-byte store
 * (SDM Vol. 2B MOVDIR64B: the destination write is not torn). */
static HANDLER h_movdir64b(xc *c)
{
    uint8_t buf[64];
    mmioemu_status s = rd(c, buf);
    if (s != MMIOEMU_OK)
        return s;
    return exec_move(c->pc->ops, c->pc->ctx, c->l, true, buf, true);
}

static HANDLER h_none(xc *c)
{
    (void)c; /* CLFLUSH/CLFLUSHOPT/CLWB: no data access to emulate */
    return MMIOEMU_OK;
}

/* One handler per kind. A switch, not a table of pointers: direct calls
 * keep the static call graph (and so the stack bound, docs/stack.md) whole. */
static inline __attribute__((always_inline)) mmioemu_status dispatch(xc *c)
{
    switch (c->in->kind) {
    case MMIOEMU_KIND_READ: return h_read(c);
    case MMIOEMU_KIND_WRITE: return h_write(c);
    case MMIOEMU_KIND_WRITE_IMM: return h_write_imm(c);
    case MMIOEMU_KIND_ALU_RMW: return h_alu_rmw(c);
    case MMIOEMU_KIND_ALU_READ: return h_alu_read(c);
    case MMIOEMU_KIND_CMP: return h_cmp(c);
    case MMIOEMU_KIND_XCHG: return h_xchg(c);
    case MMIOEMU_KIND_CMPXCHG: return h_cmpxchg(c);
    case MMIOEMU_KIND_CMPXCHG_WIDE: return h_cmpxchg_wide(c);
    case MMIOEMU_KIND_XADD: return h_xadd(c);
    case MMIOEMU_KIND_BT: return h_bt(c);
    case MMIOEMU_KIND_MOVDIR64B: return h_movdir64b(c);
    case MMIOEMU_KIND_FLUSH: return h_none(c);
    default: return MMIOEMU_ERR_UNSUPPORTED;
    }
}

/* Public-execute path for strings: the caller's plan is const, so later
 * elements need our own list and a context whose fault check we may clear. */
static __attribute__((noinline)) mmioemu_status
string_execute(const plan_ctx *pc, const mmioemu_insn *insn, const plan_list *plan,
               mmioemu_cpu *cpu, mmioemu_result *res)
{
    plan_list scratch;
    plan_ctx epc = *pc;
    return x86_string_execute(&epc, insn, plan, &scratch, cpu, res);
}

/* Run the handler on a context `c` whose pc/in/l/cpu are set; commit.
 * `planned` (a constant): the plan was made here, from this descriptor, by
 * x86_plan_operands, which already refused unsupported kinds and strings. */
static inline __attribute__((always_inline)) mmioemu_status
run_handler(xc *c, const mmioemu_insn *insn, const plan_list *plan, mmioemu_cpu *cpu,
            const int planned)
{
    /* A data kind with no pieces is not a plan of this instruction. */
    if (!plan || (plan->count == 0 && insn->kind != MMIOEMU_KIND_FLUSH))
        return MMIOEMU_ERR_ARG;
    if (!planned && (!x86_kind_supported(insn) || x86_is_string(insn)))
        return MMIOEMU_ERR_UNSUPPORTED;
    c->fl = cpu->u.x86.rflags;
    mmioemu_status s = dispatch(c);
    if (s != MMIOEMU_OK)
        return s;
    cpu->u.x86.rflags = c->fl;
    cpu->u.x86.rip = x86_next_rip(cpu, insn->length);
    return MMIOEMU_OK;
}

mmioemu_status x86_execute(const plan_ctx *pc, const mmioemu_insn *insn, const plan_list *plan,
                           mmioemu_cpu *cpu, mmioemu_result *res)
{
    if (x86_is_string(insn))
        return string_execute(pc, insn, plan, cpu, res);
    xc c;
    c.pc = pc, c.in = insn, c.l = plan, c.cpu = cpu;
    return run_handler(&c, insn, plan, cpu, 0);
}

mmioemu_status x86_emulate_data(const plan_ctx *pc, const mmioemu_insn *insn, mmioemu_cpu *cpu,
                                mmioemu_result *res)
{
    plan_list l;
    /* The operands are dead once planned: the handler context reuses them. */
    union {
        plan_operand op[2];
        xc c;
    } u;
    unsigned n = 0;
    l.count = 0;
    mmioemu_status s = x86_plan_operands(pc, insn, cpu, u.op, &n, res);
    for (unsigned i = 0; s == MMIOEMU_OK && i < n; i++)
        s = plan_add(pc, &u.op[i], &l);
    if (s != MMIOEMU_OK)
        return s;
    u.c.pc = pc, u.c.in = insn, u.c.l = &l, u.c.cpu = cpu;
    return run_handler(&u.c, insn, &l, cpu, 1);
}
