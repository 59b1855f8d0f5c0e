/* Unicorn side of the arm64 oracle tests (see a64gen_uc.h). */
#include "a64gen_uc.h"

#ifdef MMIOEMU_HAVE_UNICORN
#include <string.h>

uint8_t a64gen_uc_pattern[A64GEN_UC_WIN_SIZE], a64gen_uc_ram_after[A64GEN_UC_WIN_SIZE];

/* The device: bytes (A * 0x9d ^ 0x5a), little-endian in the returned value. */
static uint64_t a64gen_uc_mmio_rd(uc_engine *uc, uint64_t off, unsigned size, void *ud)
{
    (void)uc;
    a64gen_uc_side *s = ud;
    uint8_t b[8];
    uint64_t v = 0;
    if (!s->trace.calls)
        s->first = s->base + off;
    for (unsigned i = 0; i < size && i < 8; i++) {
        b[i] = a64gen_dev_byte(s->base + off + i);
        v |= (uint64_t)b[i] << (8 * i);
    }
    a64gen_trace_add(&s->trace, s->base + off, b, size, false);
    return v;
}

static void a64gen_uc_mmio_wr(uc_engine *uc, uint64_t off, unsigned size, uint64_t value, void *ud)
{
    (void)uc;
    a64gen_uc_side *s = ud;
    uint8_t b[8];
    if (!s->trace.calls)
        s->first = s->base + off;
    for (unsigned i = 0; i < size && i < 8; i++)
        b[i] = (uint8_t)(value >> (8 * i));
    a64gen_trace_add(&s->trace, s->base + off, b, size, true);
}

/* With UC_MODE_BIG_ENDIAN Unicorn keeps instruction fetch little-endian (as
 * AArch64 always does) and makes data accesses big-endian; the MMIO callback
 * values stay the little-endian composition of the bytes at offset..offset+n
 * (checked by harness_sees_big_endian_ldrh_swap_bytes). */
bool a64gen_uc_setup(a64gen_uc *o, unsigned how)
{
    bool big_endian = how & A64GEN_UC_BE;
    memset(o, 0, sizeof *o);
    o->big_endian = big_endian;
    o->split = how & A64GEN_UC_SPLIT;
    o->mmio_lo = o->split ? A64GEN_UC_WIN + A64GEN_UC_PAGE : A64GEN_UC_WIN;
    o->mmio_hi = o->split ? A64GEN_UC_WIN + 2 * A64GEN_UC_PAGE : A64GEN_UC_WIN + A64GEN_UC_WIN_SIZE;
    o->side.base = o->mmio_lo;
    for (unsigned i = 0; i < A64GEN_UC_WIN_SIZE; i++)
        a64gen_uc_pattern[i] = a64gen_dev_byte(A64GEN_UC_WIN + i);
    if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM | (big_endian ? UC_MODE_BIG_ENDIAN : 0), &o->uc) !=
        UC_ERR_OK)
        return false;
    /* "max": FEAT_LRCPC/LRCPC2/LOR forms need a v8.4 CPU model */
    uc_ctl_set_cpu_model(o->uc, UC_CPU_ARM64_MAX);
    if (uc_mem_map(o->uc, A64GEN_UC_CODE, A64GEN_UC_CODE_SIZE, UC_PROT_ALL) != UC_ERR_OK)
        return false;
    if (o->split && (uc_mem_map(o->uc, A64GEN_UC_WIN, A64GEN_UC_PAGE,
                                UC_PROT_READ | UC_PROT_WRITE) != UC_ERR_OK ||
                     uc_mem_map(o->uc, A64GEN_UC_WIN + 2 * A64GEN_UC_PAGE, A64GEN_UC_PAGE,
                                UC_PROT_READ | UC_PROT_WRITE) != UC_ERR_OK))
        return false;
    return uc_mmio_map(o->uc, o->mmio_lo, o->mmio_hi - o->mmio_lo, a64gen_uc_mmio_rd, &o->side,
                       a64gen_uc_mmio_wr, &o->side) == UC_ERR_OK;
}

static void le64(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 8; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

static int a64gen_uc_xreg(unsigned i)
{
    return i < 29 ? UC_ARM64_REG_X0 + (int)i : i == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30;
}

/* Run one word at pc; out gets X/SP/PC/V after it. Returns the uc_err. */
uc_err a64gen_uc_run(a64gen_uc *o, const a64gen_case *c, uint64_t pc, mmioemu_arm64_state *out)
{
    uint8_t w[4];
    for (unsigned i = 0; i < 4; i++)
        w[i] = (uint8_t)(c->word >> (8 * i));
    uc_mem_write(o->uc, pc, w, 4);
    uc_ctl_remove_cache(o->uc, pc, pc + 4);
    for (unsigned i = 0; i < 31; i++)
        uc_reg_write(o->uc, a64gen_uc_xreg(i), &c->x[i]);
    uc_reg_write(o->uc, UC_ARM64_REG_SP, &c->x[31]);
    for (unsigned i = 0; i < 32; i++) {
        uint64_t q[2] = {rd64(c->v[i]), rd64(c->v[i] + 8)};
        uc_reg_write(o->uc, UC_ARM64_REG_Q0 + (int)i, q);
    }
    memset(&o->side.trace, 0, sizeof o->side.trace);
    o->side.first = 0;
    if (o->split) {
        uc_mem_write(o->uc, A64GEN_UC_WIN, a64gen_uc_pattern, A64GEN_UC_PAGE);
        uc_mem_write(o->uc, A64GEN_UC_WIN + 2 * A64GEN_UC_PAGE,
                     a64gen_uc_pattern + 2 * A64GEN_UC_PAGE, A64GEN_UC_PAGE);
    }
    uc_err e = uc_emu_start(o->uc, pc, pc + 4, 0, 1);
    if (o->split) {
        memcpy(a64gen_uc_ram_after, a64gen_uc_pattern, A64GEN_UC_WIN_SIZE);
        uc_mem_read(o->uc, A64GEN_UC_WIN, a64gen_uc_ram_after, A64GEN_UC_PAGE);
        uc_mem_read(o->uc, A64GEN_UC_WIN + 2 * A64GEN_UC_PAGE,
                    a64gen_uc_ram_after + 2 * A64GEN_UC_PAGE, A64GEN_UC_PAGE);
    }
    for (unsigned i = 0; i < 31; i++)
        uc_reg_read(o->uc, a64gen_uc_xreg(i), &out->x[i]);
    uc_reg_read(o->uc, UC_ARM64_REG_SP, &out->sp);
    uc_reg_read(o->uc, UC_ARM64_REG_PC, &out->pc);
    for (unsigned i = 0; i < 32; i++) {
        uint64_t q[2];
        uc_reg_read(o->uc, UC_ARM64_REG_Q0 + (int)i, q);
        le64(out->v[i], q[0]);
        le64(out->v[i] + 8, q[1]);
    }
    return e;
}

/* Normalise Unicorn's trace (docs/oracles-arm64.md): QEMU's softmmu turns an
 * unaligned MMIO load into aligned loads of the whole containing words, so
 * bytes outside the instruction's operand are read too, some twice. Keep one
 * read per byte, and only the operand's bytes [addr, addr + bytes) - after
 * checking that every operand byte was read and that the extra bytes lie
 * within the 16-byte-aligned span around it. Stores are byte-exact in QEMU,
 * so writes must cover the operand exactly, each byte once. */
bool a64gen_uc_normalise(a64gen_trace *t, const a64gen_case *c, uint64_t mlo, uint64_t mhi)
{
    /* the operand's bytes that are MMIO: [a, b) */
    uint64_t a = c->addr > mlo ? c->addr : mlo;
    uint64_t bend = c->addr + c->bytes < mhi ? c->addr + c->bytes : mhi;
    uint64_t lo = c->addr & ~15ull, hi = (c->addr + c->bytes + 15) & ~15ull;
    unsigned k = 0;
    a64gen_trace_sort(t);
    if (t->overflow)
        return false;
    for (unsigned i = 0; i < t->n; i++) {
        a64gen_byte b = t->b[i];
        if (b.write != c->store || b.addr < lo || b.addr >= hi)
            return false;
        if (b.addr < a || b.addr >= bend)
            continue; /* widened read */
        if (k && t->b[k - 1].addr == b.addr) {
            if (b.write || t->b[k - 1].val != b.val)
                return false; /* a byte stored twice, or read with two values */
            continue;
        }
        t->b[k++] = b;
    }
    t->n = k;
    if (k != bend - a)
        return false;
    for (unsigned i = 0; i < k; i++)
        if (t->b[i].addr != a + i)
            return false;
    return true;
}

#else
typedef int a64gen_uc_unused; /* ISO C: no empty translation unit */
#endif
