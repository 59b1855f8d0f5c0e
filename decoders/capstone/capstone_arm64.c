/* Capstone 4 AArch64 adapter: fills mmioemu_insn from cs_arm64 details, as an
 * independent second decoder for the native one (tests, CLI --backend, bench).
 * Hosted only. Direction comes from the instruction id, never from Capstone's
 * `access` flags (wrong for stores: tests/known-backend-bugs.md). */
#include "capstone_internal.h"

#include <capstone/capstone.h>
#include <string.h>

/* One row per Capstone instruction id of the load/store group. size 0: from
 * the width of the data register (W/X/B/H/S/D/Q). */
typedef struct cs_a64_row {
    uint16_t id;
    uint8_t kind;   /* mmioemu_kind */
    uint8_t size;   /* bytes, 0 = from Rt */
    uint8_t sign;   /* LDRS*: sign-extending load */
    uint32_t flags; /* MMIOEMU_F_* implied by the mnemonic */
} cs_a64_row;

#define R_ MMIOEMU_KIND_READ
#define W_ MMIOEMU_KIND_WRITE
#define LP MMIOEMU_KIND_LOAD_PAIR
#define SP_ MMIOEMU_KIND_STORE_PAIR
#define OT MMIOEMU_KIND_OTHER
#define FL MMIOEMU_KIND_FLUSH

static const cs_a64_row cs_a64_rows[] = {
    /* Arm ARM C3.3.x single register, immediate / register / unscaled / unprivileged */
    {ARM64_INS_LDR, R_, 0, 0, 0},
    {ARM64_INS_STR, W_, 0, 0, 0},
    {ARM64_INS_LDRB, R_, 1, 0, 0},
    {ARM64_INS_STRB, W_, 1, 0, 0},
    {ARM64_INS_LDRH, R_, 2, 0, 0},
    {ARM64_INS_STRH, W_, 2, 0, 0},
    {ARM64_INS_LDRSB, R_, 1, 1, 0},
    {ARM64_INS_LDRSH, R_, 2, 1, 0},
    {ARM64_INS_LDRSW, R_, 4, 1, 0},
    {ARM64_INS_LDUR, R_, 0, 0, 0},
    {ARM64_INS_STUR, W_, 0, 0, 0},
    {ARM64_INS_LDURB, R_, 1, 0, 0},
    {ARM64_INS_STURB, W_, 1, 0, 0},
    {ARM64_INS_LDURH, R_, 2, 0, 0},
    {ARM64_INS_STURH, W_, 2, 0, 0},
    {ARM64_INS_LDURSB, R_, 1, 1, 0},
    {ARM64_INS_LDURSH, R_, 2, 1, 0},
    {ARM64_INS_LDURSW, R_, 4, 1, 0},
    {ARM64_INS_LDTR, R_, 0, 0, MMIOEMU_F_UNPRIV},
    {ARM64_INS_STTR, W_, 0, 0, MMIOEMU_F_UNPRIV},
    {ARM64_INS_LDTRB, R_, 1, 0, MMIOEMU_F_UNPRIV},
    {ARM64_INS_STTRB, W_, 1, 0, MMIOEMU_F_UNPRIV},
    {ARM64_INS_LDTRH, R_, 2, 0, MMIOEMU_F_UNPRIV},
    {ARM64_INS_STTRH, W_, 2, 0, MMIOEMU_F_UNPRIV},
    {ARM64_INS_LDTRSB, R_, 1, 1, MMIOEMU_F_UNPRIV},
    {ARM64_INS_LDTRSH, R_, 2, 1, MMIOEMU_F_UNPRIV},
    {ARM64_INS_LDTRSW, R_, 4, 1, MMIOEMU_F_UNPRIV},
    /* C3.3.14 pairs */
    {ARM64_INS_LDP, LP, 0, 0, 0},
    {ARM64_INS_STP, SP_, 0, 0, 0},
    {ARM64_INS_LDNP, LP, 0, 0, MMIOEMU_F_NT},
    {ARM64_INS_STNP, SP_, 0, 0, MMIOEMU_F_NT},
    {ARM64_INS_LDPSW, LP, 4, 1, 0},
    /* C3.3.6 load-acquire / store-release */
    {ARM64_INS_LDAR, R_, 0, 0, MMIOEMU_F_ACQUIRE},
    {ARM64_INS_STLR, W_, 0, 0, MMIOEMU_F_RELEASE},
    {ARM64_INS_LDARB, R_, 1, 0, MMIOEMU_F_ACQUIRE},
    {ARM64_INS_STLRB, W_, 1, 0, MMIOEMU_F_RELEASE},
    {ARM64_INS_LDARH, R_, 2, 0, MMIOEMU_F_ACQUIRE},
    {ARM64_INS_STLRH, W_, 2, 0, MMIOEMU_F_RELEASE},
    /* exclusives and structure loads/stores: valid, not emulated */
    {ARM64_INS_LDXR, OT, 0, 0, 0},
    {ARM64_INS_LDXRB, OT, 1, 0, 0},
    {ARM64_INS_LDXRH, OT, 2, 0, 0},
    {ARM64_INS_LDAXR, OT, 0, 0, 0},
    {ARM64_INS_LDAXRB, OT, 1, 0, 0},
    {ARM64_INS_LDAXRH, OT, 2, 0, 0},
    {ARM64_INS_STXR, OT, 0, 0, 0},
    {ARM64_INS_STXRB, OT, 1, 0, 0},
    {ARM64_INS_STXRH, OT, 2, 0, 0},
    {ARM64_INS_STLXR, OT, 0, 0, 0},
    {ARM64_INS_STLXRB, OT, 1, 0, 0},
    {ARM64_INS_STLXRH, OT, 2, 0, 0},
    {ARM64_INS_LDXP, OT, 0, 0, 0},
    {ARM64_INS_LDAXP, OT, 0, 0, 0},
    {ARM64_INS_STXP, OT, 0, 0, 0},
    {ARM64_INS_STLXP, OT, 0, 0, 0},
    {ARM64_INS_LD1, OT, 0, 0, 0},
    {ARM64_INS_LD2, OT, 0, 0, 0},
    {ARM64_INS_LD3, OT, 0, 0, 0},
    {ARM64_INS_LD4, OT, 0, 0, 0},
    {ARM64_INS_LD1R, OT, 0, 0, 0},
    {ARM64_INS_LD2R, OT, 0, 0, 0},
    {ARM64_INS_LD3R, OT, 0, 0, 0},
    {ARM64_INS_LD4R, OT, 0, 0, 0},
    {ARM64_INS_ST1, OT, 0, 0, 0},
    {ARM64_INS_ST2, OT, 0, 0, 0},
    {ARM64_INS_ST3, OT, 0, 0, 0},
    {ARM64_INS_ST4, OT, 0, 0, 0},
    /* prefetch: valid, no data access (KIND_FLUSH with the address, as the native decoder) */
    {ARM64_INS_PRFM, FL, 0, 0, 0},
    {ARM64_INS_PRFUM, FL, 0, 0, 0},
};

/* Capstone's arm64_reg -> our register number and width in bytes. */
static uint8_t cs_a64_reg(unsigned r, unsigned *width)
{
    static const struct {
        uint16_t first, count;
        uint8_t base, width;
    } spans[] = {
        {ARM64_REG_W0, 31, MMIOEMU_REG_X0, 4},
        {ARM64_REG_X0, 29, MMIOEMU_REG_X0, 8},
        {ARM64_REG_X29, 2, 29, 8},
        {ARM64_REG_B0, 32, MMIOEMU_REG_V0, 1},
        {ARM64_REG_H0, 32, MMIOEMU_REG_V0, 2},
        {ARM64_REG_S0, 32, MMIOEMU_REG_V0, 4},
        {ARM64_REG_D0, 32, MMIOEMU_REG_V0, 8},
        {ARM64_REG_Q0, 32, MMIOEMU_REG_V0, 16},
        {ARM64_REG_V0, 32, MMIOEMU_REG_V0, 16},
        {ARM64_REG_WZR, 1, MMIOEMU_REG_ZR, 4},
        {ARM64_REG_XZR, 1, MMIOEMU_REG_ZR, 8},
        {ARM64_REG_WSP, 1, MMIOEMU_REG_SP, 4},
        {ARM64_REG_SP, 1, MMIOEMU_REG_SP, 8},
    };
    for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++) {
        if (r >= spans[i].first && r < (unsigned)spans[i].first + spans[i].count) {
            *width = spans[i].width;
            return (uint8_t)(spans[i].base + (r - spans[i].first));
        }
    }
    *width = 0;
    return MMIOEMU_REG_NONE;
}

static const cs_a64_row *cs_a64_find(unsigned id)
{
    for (size_t i = 0; i < sizeof cs_a64_rows / sizeof cs_a64_rows[0]; i++)
        if (cs_a64_rows[i].id == id)
            return &cs_a64_rows[i];
    return NULL;
}

/* Capstone extender -> Arm ARM option value (insn.h MMIOEMU_IDX_*). */
static uint8_t cs_a64_ext(unsigned ext)
{
    switch (ext) {
    case ARM64_EXT_UXTW: return MMIOEMU_IDX_UXTW;
    case ARM64_EXT_SXTW: return MMIOEMU_IDX_SXTW;
    case ARM64_EXT_SXTX: return MMIOEMU_IDX_SXTX;
    default: return MMIOEMU_IDX_LSL; /* LSL / UXTX (option 011) */
    }
}

/* One handle and one instruction buffer per thread: cs_disasm_iter with a
 * preallocated cs_insn avoids an allocation per call; never freed (the
 * thread's lifetime), which keeps the adapter thread-safe without locks. */
static _Thread_local csh cs_a64_handle;
static _Thread_local cs_insn *cs_a64_buf;

static cs_insn *cs_a64_disasm(const uint8_t *code)
{
    if (!cs_a64_buf) {
        if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &cs_a64_handle) != CS_ERR_OK)
            return NULL;
        cs_option(cs_a64_handle, CS_OPT_DETAIL, CS_OPT_ON);
        cs_a64_buf = cs_malloc(cs_a64_handle);
        if (!cs_a64_buf)
            return NULL;
    }
    const uint8_t *p = code;
    size_t n = 4;
    uint64_t addr = 0; /* literal targets then come out as PC offsets */
    return cs_disasm_iter(cs_a64_handle, &p, &n, &addr, cs_a64_buf) ? cs_a64_buf : NULL;
}

/* Fill mem (and, for post-index, disp) from the operands after the registers. */
static void cs_a64_mem(const cs_arm64 *a, unsigned first, mmioemu_insn *out)
{
    unsigned w;
    for (unsigned i = first; i < a->op_count; i++) {
        const cs_arm64_op *o = &a->operands[i];
        if (o->type == ARM64_OP_MEM) {
            out->mem.base = cs_a64_reg(o->mem.base, &w);
            out->mem.disp = o->mem.disp;
            if (o->mem.index != ARM64_REG_INVALID) {
                out->mem.index = cs_a64_reg(o->mem.index, &w);
                out->mem.index_ext = cs_a64_ext(o->ext);
                out->mem.shift = (uint8_t)o->shift.value;
            }
        } else if (o->type == ARM64_OP_IMM) {
            if (out->mem.base == MMIOEMU_REG_NONE) { /* C3.3.5 LDR (literal) */
                out->mem.base = MMIOEMU_REG_RIP;
                out->flags |= MMIOEMU_F_LITERAL;
            }
            out->mem.disp = o->imm; /* literal offset, or post-index amount */
        }
    }
    if (a->writeback)
        out->flags |= (a->operands[a->op_count - 1].type == ARM64_OP_IMM) ? MMIOEMU_F_WB_POST
                                                                          : MMIOEMU_F_WB_PRE;
}

static void cs_a64_regs(const cs_arm64 *a, const cs_a64_row *row, mmioemu_insn *out)
{
    unsigned w = 0, w2 = 0;
    unsigned pair = (row->kind == LP || row->kind == SP_);
    out->reg = cs_a64_reg(a->operands[0].reg, &w);
    if (pair)
        out->reg2 = cs_a64_reg(a->operands[1].reg, &w2);
    out->size = row->size ? row->size : (uint16_t)w;
    if (row->kind == R_ || row->kind == LP) {
        /* Arm ARM C6.2 LDR (SIMD&FP): a B/H/S/D load writes the whole
         * 128-bit V register (upper bits zero), so the destination is 16 */
        out->dst_size = (uint8_t)(out->reg >= MMIOEMU_REG_V0 ? 16 : w);
        out->ext = row->sign ? MMIOEMU_EXT_SIGN : MMIOEMU_EXT_ZERO;
    }
    cs_a64_mem(a, pair ? 2 : 1, out);
}

mmioemu_status capstone_arm64_decode(const uint8_t *code, size_t len, mmioemu_insn *out)
{
    if (!out || !code)
        return MMIOEMU_ERR_ARG;
    memset(out, 0, sizeof *out);
    out->mode = MMIOEMU_ARM64;
    out->length = 4;
    out->op = MMIOEMU_OP_NONE;
    out->reg = out->reg2 = MMIOEMU_REG_NONE;
    out->mem.base = out->mem.index = MMIOEMU_REG_NONE;
    out->mem.seg = MMIOEMU_SEG_NONE;
    out->mem.addr_size = 8;
    if (len < 4)
        return MMIOEMU_ERR_TRUNCATED;
    cs_insn *in = cs_a64_disasm(code);
    if (!in)
        return MMIOEMU_ERR_INVALID;
    out->id = (uint16_t)in->id;
    const cs_a64_row *row = cs_a64_find(in->id);
    if (!row)
        return MMIOEMU_ERR_NO_MEMORY_OPERAND;
    const cs_arm64 *a = &in->detail->arm64;
    out->kind = row->kind;
    out->flags = row->flags;
    if (row->kind == OT || row->kind == FL) { /* only the address matters */
        cs_a64_mem(a, 0, out);
        out->size = row->size;
        return MMIOEMU_OK;
    }
    cs_a64_regs(a, row, out);
    return MMIOEMU_OK;
}
