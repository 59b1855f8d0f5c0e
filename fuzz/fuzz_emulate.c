/* libFuzzer: mmioemu_emulate() on arbitrary instructions and register state
 * (x86 16/32/64, arm64), with callbacks that check the emulator's promises
 * (include/mmioemu/emulate.h):
 *  - every data access of a non-string instruction lies inside the operand,
 *    computed here independently from the descriptor's address expression
 *    (insn.h: seg:[base + index<<shift + disp] wrapped to addr_size), and
 *    inside the pieces mmioemu_plan() returned for the same input;
 *  - on any error the vCPU state is exactly as before (string instructions:
 *    the IP is not advanced);
 *  - on success the IP moved past the instruction (x86-64: RIP + length,
 *    arm64: PC + 4).
 * Input: [mode][seed x8][fail_at][policy][dfl][instruction bytes...]. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmioemu/mmioemu.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant: on failure name it, then crash so libFuzzer keeps the input. */
#define check(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

struct fctx {
    mmioemu_access_list plan; /* pieces to respect (count 0: no range check) */
    bool has_range;           /* the operand [lo, lo + len) computed from the descriptor */
    uint64_t lo, len;
    unsigned calls, fail_at;
    uint8_t ram_flip; /* addresses with this bit set are RAM, else MMIO */
};

static uint8_t mem_byte(uint64_t a)
{
    a ^= a >> 29;
    a *= 0xbf58476d1ce4e5b9ull;
    return (uint8_t)(a >> 56);
}

/* A data access must lie inside one planned piece. */
static int access(struct fctx *c, uint64_t addr, const void *buf, size_t n)
{
    check(buf != NULL && n >= 1 && n <= 64);
    if (c->plan.count) {
        int inside = 0;
        for (unsigned i = 0; i < c->plan.count; i++) {
            const mmioemu_access *p = &c->plan.a[i];
            if (addr >= p->pa && addr - p->pa + n <= p->size)
                inside = 1;
        }
        check(inside);
    }
    if (c->has_range)
        check(addr - c->lo < c->len && addr - c->lo + n <= c->len); /* modulo 2^64 */
    return ++c->calls == c->fail_at;
}

static int f_mmio_read(void *ctx, uint64_t addr, void *buf, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        ((uint8_t *)buf)[i] = mem_byte(addr + i);
    return access(ctx, addr, buf, n);
}

static int f_mmio_write(void *ctx, uint64_t addr, const void *buf, unsigned n)
{
    return access(ctx, addr, buf, n);
}

static int f_ram_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ((uint8_t *)buf)[i] = mem_byte(addr + i);
    return access(ctx, addr, buf, n);
}

static int f_ram_write(void *ctx, uint64_t addr, const void *buf, size_t n)
{
    return access(ctx, addr, buf, n);
}

static int f_is_mmio(void *ctx, uint64_t pa, bool *mmio, uint64_t *span)
{
    struct fctx *c = ctx;
    *mmio = !(pa & ((uint64_t)c->ram_flip << 12));
    *span = 0;
    return 0;
}

static int f_cmpxchg(void *ctx, uint64_t addr, void *old, const void *new_, unsigned n)
{
    uint8_t cur[64];
    int r;
    check(old != NULL && new_ != NULL);
    for (unsigned i = 0; i < n && i < 64; i++)
        cur[i] = mem_byte(addr + i);
    r = access(ctx, addr, old, n);
    if (r)
        return 2;
    if (memcmp(cur, old, n) == 0)
        return 0;
    memcpy(old, cur, n);
    return 1;
}

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void init_cpu(mmioemu_cpu *cpu, mmioemu_mode mode, uint64_t seed, uint8_t dfl)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->mode = mode;
    if (mode == MMIOEMU_ARM64) {
        for (int i = 0; i < 31; i++)
            cpu->u.arm64.x[i] = next(&seed);
        cpu->u.arm64.sp = next(&seed);
        cpu->u.arm64.pc = next(&seed) & ~3ull;
        cpu->u.arm64.el = 1;
        cpu->u.arm64.big_endian = dfl & 1;
        return;
    }
    mmioemu_x86_state *x = &cpu->u.x86;
    for (int i = 0; i < 16; i++)
        x->gpr[i] = (dfl & 2) ? next(&seed) & 0xffff : next(&seed);
    x->gpr[MMIOEMU_REG_RCX] &= 0x1f; /* short REP runs */
    x->rip = mode == MMIOEMU_X86_64 ? 0x401000 : 0x1000;
    x->rflags = 2 | ((dfl & 4) ? MMIOEMU_FLAG_DF : 0);
    for (int s = 0; s <= MMIOEMU_SEG_GS; s++) {
        x->seg[s].limit = mode == MMIOEMU_X86_16 ? 0xffff : 0xffffffffu;
        x->seg[s].attr = 0x3 | MMIOEMU_SEG_ATTR_S | MMIOEMU_SEG_ATTR_P |
                         (mode == MMIOEMU_X86_32 ? MMIOEMU_SEG_ATTR_DB : 0);
        x->seg[s].base = (dfl & 8) && mode != MMIOEMU_X86_64 ? (next(&seed) & 0xfffff000) : 0;
    }
    x->cpl = 0;
}

static bool is_string(uint8_t kind)
{
    return kind == MMIOEMU_KIND_MOVS || kind == MMIOEMU_KIND_STOS || kind == MMIOEMU_KIND_LODS ||
           kind == MMIOEMU_KIND_CMPS || kind == MMIOEMU_KIND_SCAS;
}

/* x86 operand address from the descriptor alone (insn.h, SDM Vol. 2A 2.1.5 and
 * Vol. 3A 3.4: linear = segment base + effective address, the effective
 * address wrapped to the address size; in 64-bit mode only FS/GS have bases). */
static uint64_t x86_operand(const mmioemu_insn *in, const mmioemu_cpu *cpu)
{
    const mmioemu_x86_state *x = &cpu->u.x86;
    uint64_t ea = (uint64_t)in->mem.disp, mask, seg = 0;
    if (in->mem.base == MMIOEMU_REG_RIP)
        ea += x->rip + in->length;
    else if (in->mem.base < 16)
        ea += x->gpr[in->mem.base];
    if (in->mem.index < 16)
        ea += x->gpr[in->mem.index] << in->mem.shift;
    mask = in->mem.addr_size >= 8 ? ~0ull : (1ull << (8 * in->mem.addr_size)) - 1;
    ea &= mask;
    if (in->mem.seg <= MMIOEMU_SEG_GS &&
        (cpu->mode != MMIOEMU_X86_64 || in->mem.seg >= MMIOEMU_SEG_FS))
        seg = x->seg[in->mem.seg].base;
    return cpu->mode == MMIOEMU_X86_64 ? seg + ea : (uint32_t)(seg + ea);
}

/* arm64 operand address (insn.h; Arm ARM C6.2 load/store addressing). */
static uint64_t a64_operand(const mmioemu_insn *in, const mmioemu_cpu *cpu)
{
    const mmioemu_arm64_state *a = &cpu->u.arm64;
    uint64_t base, idx = 0;
    /* On arm64 register 20 is X20: only MMIOEMU_F_LITERAL makes base the PC. */
    if (in->flags & MMIOEMU_F_LITERAL)
        base = a->pc;
    else if (in->mem.base == MMIOEMU_REG_SP)
        base = a->sp;
    else
        base = in->mem.base <= 30 ? a->x[in->mem.base] : 0;
    if (in->flags & MMIOEMU_F_WB_POST)
        return base;
    if (in->mem.index <= 30) {
        idx = a->x[in->mem.index];
        if (in->mem.index_ext == MMIOEMU_IDX_UXTW)
            idx = (uint32_t)idx;
        else if (in->mem.index_ext == MMIOEMU_IDX_SXTW)
            idx = (uint64_t)(int64_t)(int32_t)idx;
        idx <<= in->mem.shift;
    }
    return base + idx + (uint64_t)in->mem.disp;
}

/* The bytes a non-string instruction may touch, from its descriptor. */
static void expected_range(struct fctx *c, const mmioemu_insn *in, const mmioemu_cpu *cpu)
{
    c->has_range = false;
    switch (in->kind) {
    case MMIOEMU_KIND_READ:
    case MMIOEMU_KIND_WRITE:
    case MMIOEMU_KIND_WRITE_IMM:
    case MMIOEMU_KIND_ALU_RMW:
    case MMIOEMU_KIND_ALU_READ:
    case MMIOEMU_KIND_CMP:
    case MMIOEMU_KIND_XCHG:
    case MMIOEMU_KIND_CMPXCHG:
    case MMIOEMU_KIND_CMPXCHG_WIDE:
    case MMIOEMU_KIND_XADD: c->len = in->size; break;
    case MMIOEMU_KIND_LOAD_PAIR:
    case MMIOEMU_KIND_STORE_PAIR: c->len = 2u * in->size; break;
    case MMIOEMU_KIND_BT: /* a register bit offset moves the address: not checked */
        if (!(in->flags & MMIOEMU_F_IMM))
            return;
        c->len = in->size;
        break;
    default: /* strings, MOVDIR64B (two operands), FLUSH, OTHER */ return;
    }
    c->lo = in->mode == MMIOEMU_ARM64 ? a64_operand(in, cpu) : x86_operand(in, cpu);
    c->has_range = c->len != 0;
}

static uint64_t ip_of(const mmioemu_cpu *c)
{
    return c->mode == MMIOEMU_ARM64 ? c->u.arm64.pc : c->u.x86.rip;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mmioemu_cpu cpu, before; /* 2 KiB each: keep them off the stack */
    const mmioemu_ops ops = {f_mmio_read, f_mmio_write, f_ram_read, f_ram_write,
                             NULL,        NULL,         f_is_mmio,  f_cmpxchg};
    struct fctx c;
    mmioemu_policy pol;
    mmioemu_fault fault;
    mmioemu_insn in;
    mmioemu_result res;
    mmioemu_status s;
    uint64_t seed = 0x9e3779b97f4a7c15ull;

    if (size < 13)
        return 0;
    mmioemu_mode mode = (mmioemu_mode)(data[0] % 4);
    for (int i = 0; i < 8; i++)
        seed = seed * 31 + data[1 + i];
    memset(&c, 0, sizeof(c));
    c.fail_at = data[9] & 7;
    c.ram_flip = data[9] >> 3 & 1;
    memset(&pol, 0, sizeof(pol));
    pol.flags =
        MMIOEMU_POLICY_IDENTITY |
        (data[10] & (MMIOEMU_POLICY_NO_SPLIT | MMIOEMU_POLICY_NO_RAM | MMIOEMU_POLICY_NO_STRING));
    pol.rep_budget = (data[10] >> 5) + 1;
    init_cpu(&cpu, mode, seed, data[11]);
    memcpy(&before, &cpu, sizeof(cpu));

    size_t len = size - 12;
    if (len > 15)
        len = 15;
    uint8_t *code = malloc(len); /* exact size: ASan catches over-reads */
    if (!code)
        return 0;
    memcpy(code, data + 12, len);
    memset(&fault, 0, sizeof(fault));
    fault.insn = code;
    fault.insn_len = (uint32_t)len;

    /* The descriptor's operand and the plan for the same input bound every
     * data access. */
    if (mmioemu_decode(MMIOEMU_BACKEND_NATIVE, mode, code, len, &in) == MMIOEMU_OK &&
        !is_string(in.kind)) {
        expected_range(&c, &in, &cpu);
        s = mmioemu_plan(&ops, &c, &in, &cpu, &fault, &pol, &c.plan, &res);
        check(memcmp(&cpu, &before, sizeof(cpu)) == 0); /* plan is pure */
        if (s == MMIOEMU_OK)
            check(c.plan.count <= MMIOEMU_MAX_ACCESSES &&
                  (c.plan.count >= 1 || in.kind == MMIOEMU_KIND_FLUSH));
        else
            c.plan.count = 0; /* emulate fails too; no range to check */
    }
    c.calls = 0;

    s = mmioemu_emulate(&ops, &c, &cpu, &fault, &pol, &res);
    if (s == MMIOEMU_OK) {
        if (mode == MMIOEMU_ARM64)
            check(ip_of(&cpu) == ip_of(&before) + 4);
        else if (mode == MMIOEMU_X86_64)
            check(ip_of(&cpu) == ip_of(&before) + res.insn.length);
    } else if (s == MMIOEMU_ERR_RETRY || is_string(res.insn.kind)) {
        check(ip_of(&cpu) == ip_of(&before));
    } else {
        check(memcmp(&cpu, &before, sizeof(cpu)) == 0);
    }
    free(code);
    return 0;
}
