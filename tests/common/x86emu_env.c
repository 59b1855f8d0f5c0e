/* Synthetic guest memory and callbacks for the emulator tests (see x86emu_env.h). */
#include "x86emu_env.h"

#include <string.h>

uint8_t x86emu_mmio_byte(uint64_t a)
{
    return (uint8_t)((a * 0x9d) ^ 0x5a);
}

uint8_t x86emu_ram_init(uint64_t a)
{
    return (uint8_t)(a * 0x2f + (a >> 8) * 0x11 + 0x13);
}

static bool is_mmio_addr(const x86emu_env *e, uint64_t a)
{
    return a - e->mmio_base < e->mmio_size;
}

static int find(const x86emu_env *e, uint64_t a)
{
    for (unsigned i = e->nover; i-- > 0;)
        if (e->over_addr[i] == a)
            return (int)i;
    return -1;
}

uint8_t x86emu_peek(const x86emu_env *e, uint64_t a)
{
    int i = find(e, a);
    if (i >= 0)
        return e->over_val[i];
    return is_mmio_addr(e, a) ? x86emu_mmio_byte(a) : x86emu_ram_init(a);
}

void x86emu_poke(x86emu_env *e, uint64_t a, uint8_t v)
{
    int i = find(e, a);
    if (i >= 0) {
        e->over_val[i] = v;
    } else if (e->nover < X86EMU_OVERLAY_MAX) {
        e->over_addr[e->nover] = a;
        e->over_val[e->nover++] = v;
    }
}

uint64_t x86emu_peek_le(const x86emu_env *e, uint64_t a, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = (v << 8) | x86emu_peek(e, a + i);
    return v;
}

void x86emu_poke_le(x86emu_env *e, uint64_t a, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++, v >>= 8)
        x86emu_poke(e, a + i, (uint8_t)v);
}

void x86emu_env_init(x86emu_env *e)
{
    memset(e, 0, sizeof(*e));
    e->mmio_base = 0xfe000000u;
    e->mmio_size = 0x1000000u;
}

static void log_access(x86emu_env *e, int w, int mmio, int xchg, uint64_t a, const void *buf,
                       size_t n)
{
    if (e->nlog >= X86EMU_LOG_MAX)
        return;
    x86emu_log *l = &e->log[e->nlog++];
    l->w = (uint8_t)w, l->mmio = (uint8_t)mmio, l->xchg = (uint8_t)xchg;
    l->addr = a, l->len = (unsigned)n;
    memcpy(l->data, buf, n > 64 ? 64 : n);
}

/* Counts the call; true when this one must fail. */
static bool inject(x86emu_env *e)
{
    return ++e->calls == e->fail_at;
}

static int cb_read(x86emu_env *e, int mmio, uint64_t a, void *buf, size_t n)
{
    if (inject(e))
        return -1;
    for (size_t i = 0; i < n; i++)
        ((uint8_t *)buf)[i] = x86emu_peek(e, a + i);
    log_access(e, 0, mmio, 0, a, buf, n);
    return 0;
}

static int cb_write(x86emu_env *e, int mmio, uint64_t a, const void *buf, size_t n)
{
    if (inject(e))
        return -1;
    log_access(e, 1, mmio, 0, a, buf, n);
    if (!mmio || e->mmio_sticky)
        for (size_t i = 0; i < n; i++)
            x86emu_poke(e, a + i, ((const uint8_t *)buf)[i]);
    return 0;
}

static int mmio_read(void *c, uint64_t a, void *buf, unsigned n)
{
    return cb_read(c, 1, a, buf, n);
}

static int mmio_write(void *c, uint64_t a, const void *buf, unsigned n)
{
    return cb_write(c, 1, a, buf, n);
}

static int ram_read(void *c, uint64_t a, void *buf, size_t n)
{
    return cb_read(c, 0, a, buf, n);
}

static int ram_write(void *c, uint64_t a, const void *buf, size_t n)
{
    return cb_write(c, 0, a, buf, n);
}

static int cmpxchg(void *c, uint64_t a, void *old, const void *new_, unsigned n)
{
    x86emu_env *e = c;
    uint8_t cur[64];
    if (inject(e))
        return -1;
    for (unsigned i = 0; i < n; i++)
        cur[i] = x86emu_peek(e, a + i);
    if (e->xchg_conflicts) { /* another CPU changed it: bump the value */
        e->xchg_conflicts--;
        cur[0] ^= 0x80;
        x86emu_poke(e, a, cur[0]);
    }
    if (memcmp(cur, old, n) != 0) {
        memcpy(old, cur, n);
        return 1;
    }
    log_access(e, 1, 1, 1, a, new_, n);
    for (unsigned i = 0; i < n; i++)
        x86emu_poke(e, a + i, ((const uint8_t *)new_)[i]);
    return 0;
}

static int translate(void *c, uint64_t la, uint64_t *pa, bool write)
{
    x86emu_env *e = c;
    (void)write;
    e->translate_calls++;
    *pa = la + e->translate_add;
    return 0;
}

static int is_mmio(void *c, uint64_t pa, bool *mmio, uint64_t *span)
{
    x86emu_env *e = c;
    *mmio = is_mmio_addr(e, pa);
    if (*mmio)
        *span = e->mmio_base + e->mmio_size - pa;
    else
        *span = pa < e->mmio_base ? e->mmio_base - pa : 0;
    return 0;
}

static int fetch(void *c, uint64_t ip, void *buf, size_t n)
{
    x86emu_env *e = c;
    if (e->fetches < 8) {
        e->fetch_ip[e->fetches] = ip;
        e->fetch_len[e->fetches] = (unsigned)n;
    }
    e->fetches++;
    /* Pages holding code are mapped (bytes beyond the code read as INT3);
     * any other page is not: fetching from it fails. */
    uint64_t first = e->code_ip >> 12, last = (e->code_ip + e->code_len - 1) >> 12;
    for (size_t i = 0; i < n; i++) {
        uint64_t a = ip + i;
        if (!e->code_len || (a >> 12) < first || (a >> 12) > last)
            return -1;
        ((uint8_t *)buf)[i] = a - e->code_ip < e->code_len ? e->code[a - e->code_ip] : 0xcc;
    }
    return 0;
}

void x86emu_ops(mmioemu_ops *ops, bool with_translate, bool with_is_mmio)
{
    memset(ops, 0, sizeof(*ops));
    ops->mmio_read = mmio_read;
    ops->mmio_write = mmio_write;
    ops->ram_read = ram_read;
    ops->ram_write = ram_write;
    ops->cmpxchg = cmpxchg;
    ops->fetch = fetch;
    if (with_translate)
        ops->translate = translate;
    if (with_is_mmio)
        ops->is_mmio = is_mmio;
}

void x86emu_cpu(mmioemu_cpu *cpu, mmioemu_mode mode)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->mode = mode;
    cpu->u.x86.rflags = 2;
    for (int s = 0; s < 6; s++) {
        mmioemu_x86_seg *g = &cpu->u.x86.seg[s];
        g->limit = mode == MMIOEMU_X86_16 ? 0xffff : 0xffffffffu;
        g->attr = MMIOEMU_SEG_ATTR_S | MMIOEMU_SEG_ATTR_P | MMIOEMU_SEG_ATTR_WRITABLE | 1;
        if (mode != MMIOEMU_X86_16)
            g->attr |= MMIOEMU_SEG_ATTR_DB | MMIOEMU_SEG_ATTR_G;
    }
    cpu->u.x86.seg[MMIOEMU_SEG_CS].attr |= MMIOEMU_SEG_ATTR_CODE; /* code, readable */
}

void x86emu_insn(mmioemu_insn *in, mmioemu_mode mode, unsigned kind, unsigned size, unsigned reg,
                 unsigned base, int64_t disp, unsigned length)
{
    memset(in, 0, sizeof(*in));
    in->mode = (uint8_t)mode;
    in->kind = (uint8_t)kind;
    in->size = (uint16_t)size;
    in->dst_size = (uint8_t)size;
    in->reg = (uint8_t)reg;
    in->reg2 = MMIOEMU_REG_NONE;
    in->op = MMIOEMU_OP_NONE;
    in->length = (uint8_t)length;
    in->mem.base = (uint8_t)base;
    in->mem.index = MMIOEMU_REG_NONE;
    in->mem.disp = disp;
    in->mem.seg = MMIOEMU_SEG_DS;
    in->mem.addr_size = mode == MMIOEMU_X86_64 ? 8 : mode == MMIOEMU_X86_32 ? 4 : 2;
}

bool x86emu_same_memory(const x86emu_env *a, const x86emu_env *b)
{
    for (unsigned i = 0; i < a->nover; i++)
        if (x86emu_peek(b, a->over_addr[i]) != a->over_val[i])
            return false;
    for (unsigned i = 0; i < b->nover; i++)
        if (x86emu_peek(a, b->over_addr[i]) != b->over_val[i])
            return false;
    return true;
}

mmioemu_status x86emu_run(const mmioemu_ops *ops, x86emu_env *e, const mmioemu_insn *in,
                          mmioemu_cpu *cpu, const mmioemu_fault *f, const mmioemu_policy *p,
                          mmioemu_result *res)
{
    mmioemu_access_list l;
    mmioemu_status s = mmioemu_plan(ops, e, in, cpu, f, p, &l, res);
    if (s != MMIOEMU_OK)
        return s;
    return mmioemu_execute(ops, e, in, &l, cpu, p, res);
}
