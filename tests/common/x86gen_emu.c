/* mmioemu_emulate against the synthetic device of the x86 live oracles,
 * and the access-list comparison they share (see x86gen_emu.h). */
#include "x86gen_emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void x86gen_cpu_init(const x86gen_case *c, int cpl, mmioemu_cpu *cpu)
{
    memset(cpu, 0, sizeof *cpu);
    int legacy = c->bits == 32 || c->bits == 16;
    cpu->mode = c->bits == 32 ? MMIOEMU_X86_32 : c->bits == 16 ? MMIOEMU_X86_16 : MMIOEMU_X86_64;
    mmioemu_x86_state *x = &cpu->u.x86;
    memcpy(x->gpr, c->gpr, sizeof x->gpr);
    x->rip = legacy ? c->ip : X86GEN_CODE;
    x->rflags = c->rflags;
    for (int s = 0; s < 6; s++) {
        x->seg[s].limit = 0xffffffff;
        x->seg[s].attr = MMIOEMU_SEG_ATTR_P | MMIOEMU_SEG_ATTR_S | MMIOEMU_SEG_ATTR_G | 3u |
                         (unsigned)cpl << 5 | MMIOEMU_SEG_ATTR_DB;
        if (legacy)
            x->seg[s].base = c->seg_base[s];
    }
    /* code segment type 11; 64-bit: L=1 D=0; 32-bit: D=1; 16-bit: D=0 (SDM Vol. 3A 5.2.1) */
    x->seg[MMIOEMU_SEG_CS].attr = MMIOEMU_SEG_ATTR_P | MMIOEMU_SEG_ATTR_S | MMIOEMU_SEG_ATTR_G |
                                  11u | (unsigned)cpl << 5 |
                                  (legacy ? (c->bits == 32 ? MMIOEMU_SEG_ATTR_DB : 0) : 1u << 13);
    if (!legacy) {
        x->seg[MMIOEMU_SEG_FS].base = c->fs_base;
        x->seg[MMIOEMU_SEG_GS].base = c->gs_base;
    }
    x->cr0 = legacy ? 0x31 : 0x80050033ull;
    x->cpl = (uint8_t)cpl;
    for (unsigned i = 0; i < 32; i++)
        for (unsigned j = 0; j < 64; j++)
            x->zmm[i][j] = x86gen_vec_byte(i, j);
}

void x86gen_dev_reset(x86gen_dev *d)
{
    x86gen_fill_area(d->area);
    d->nacc = 0;
    d->calls = 0;
}

static uint8_t *area_at(x86gen_dev *d, uint64_t a, size_t n)
{
    if (a < X86GEN_AREA || a + n > X86GEN_AREA + X86GEN_AREA_SIZE)
        return NULL;
    return d->area + (a - X86GEN_AREA);
}

static int step(x86gen_dev *d)
{
    d->calls++;
    return d->fail_at && d->calls == d->fail_at;
}

static void note(x86gen_dev *d, uint64_t a, const void *buf, unsigned n, int w)
{
    if (d->nacc < X86GEN_MAX_ACC) {
        x86gen_acc *x = &d->acc[d->nacc];
        x->addr = a;
        x->len = n;
        x->write = (uint32_t)w;
        memcpy(x->data, buf, n > 64 ? 64 : n);
    }
    d->nacc++;
}

static void device_bytes(x86gen_dev *d, uint64_t a, uint8_t *buf, unsigned n)
{
    uint8_t *p = area_at(d, a, n);
    for (unsigned i = 0; i < n; i++)
        buf[i] = d->window_reads_area && p ? p[i] : x86gen_mmio_byte(a + i);
}

static int mmio_read(void *ctx, uint64_t a, void *buf, unsigned n)
{
    x86gen_dev *d = ctx;
    if (step(d))
        return -1;
    device_bytes(d, a, buf, n);
    note(d, a, buf, n, 0);
    return 0;
}

static int mmio_write(void *ctx, uint64_t a, const void *buf, unsigned n)
{
    x86gen_dev *d = ctx;
    if (step(d))
        return -1;
    uint8_t *p = area_at(d, a, n);
    if (p)
        memcpy(p, buf, n);
    note(d, a, buf, n, 1);
    return 0;
}

static int ram_read(void *ctx, uint64_t a, void *buf, size_t n)
{
    x86gen_dev *d = ctx;
    uint8_t *p = area_at(d, a, n);
    if (step(d) || !p)
        return -1;
    memcpy(buf, p, n);
    return 0;
}

static int ram_write(void *ctx, uint64_t a, const void *buf, size_t n)
{
    x86gen_dev *d = ctx;
    uint8_t *p = area_at(d, a, n);
    if (step(d) || !p)
        return -1;
    memcpy(p, buf, n);
    return 0;
}

static int translate(void *ctx, uint64_t la, uint64_t *pa, bool w)
{
    (void)ctx, (void)w;
    *pa = la; /* identity page tables in every oracle */
    return 0;
}

static int is_mmio(void *ctx, uint64_t pa, bool *mmio, uint64_t *span)
{
    (void)ctx;
    *mmio = x86gen_in_window(pa);
    *span = 0;
    return 0;
}

static int cmpxchg(void *ctx, uint64_t a, void *old, const void *new_, unsigned n)
{
    x86gen_dev *d = ctx;
    uint8_t cur[64];
    if (step(d) || n > 64)
        return -1;
    if (x86gen_in_window(a)) {
        device_bytes(d, a, cur, n);
    } else {
        uint8_t *p = area_at(d, a, n);
        if (!p)
            return -1;
        memcpy(cur, p, n);
    }
    /* The atomic's read half, as a device sees it: one locked read, so not
     * again when the emulator has just read the same bytes (or retries). */
    const x86gen_acc *prev = d->nacc && d->nacc <= X86GEN_MAX_ACC ? &d->acc[d->nacc - 1] : NULL;
    if (x86gen_in_window(a) && !(prev && !prev->write && prev->addr == a && prev->len == n))
        note(d, a, cur, n, 0);
    if (memcmp(cur, old, n)) {
        memcpy(old, cur, n);
        return 1;
    }
    uint8_t *p = area_at(d, a, n);
    if (p)
        memcpy(p, new_, n);
    if (x86gen_in_window(a))
        note(d, a, new_, n, 1);
    return 0;
}

const mmioemu_ops x86gen_ops = {
    .mmio_read = mmio_read,
    .mmio_write = mmio_write,
    .ram_read = ram_read,
    .ram_write = ram_write,
    .translate = translate,
    .is_mmio = is_mmio,
    .cmpxchg = cmpxchg,
};

const mmioemu_fault *x86gen_fault(const x86gen_case *c, mmioemu_fault *f)
{
    uint64_t t = c->target;
    memset(f, 0, sizeof *f);
    if (c->no_access)
        return NULL;
    if (t < X86GEN_WIN && t + c->msize > X86GEN_WIN)
        t = X86GEN_WIN; /* RAM half first: the trap reports the window page */
    if (!x86gen_in_window(t))
        return NULL;
    f->gla = f->gpa = t;
    f->flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA;
    return f;
}

mmioemu_status x86gen_emulate(const x86gen_case *c, mmioemu_cpu *cpu, x86gen_dev *d,
                              mmioemu_result *res)
{
    mmioemu_fault f;
    mmioemu_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.flags = MMIOEMU_POLICY_ALLOW_USER | MMIOEMU_POLICY_IDENTITY;
    f.insn = NULL;
    const mmioemu_fault *fp = x86gen_fault(c, &f);
    if (fp) {
        f.insn = c->bytes;
        f.insn_len = c->len;
    }
    mmioemu_fault nof;
    memset(&nof, 0, sizeof nof);
    nof.insn = c->bytes;
    nof.insn_len = c->len;
    mmioemu_status s;
    for (int guard = 0; guard < 100; guard++) {
        s = mmioemu_emulate(&x86gen_ops, d, cpu, fp ? fp : &nof, &pol, res);
        if (s != MMIOEMU_ERR_RETRY)
            return s;
        fp = NULL; /* re-entry: the next trap's address is not tracked; no check */
    }
    return s;
}

/* Writes flattened to (address, byte) in order. */
static size_t flat_writes(const x86gen_acc *a, unsigned n, uint64_t *addr, uint8_t *val, size_t cap)
{
    size_t k = 0;
    for (unsigned i = 0; i < n && i < X86GEN_MAX_ACC; i++)
        for (unsigned j = 0; a[i].write && j < a[i].len && j < 64 && k < cap; j++, k++)
            addr[k] = a[i].addr + j, val[k] = a[i].data[j];
    return k;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

static size_t read_set(const x86gen_acc *a, unsigned n, uint64_t *addr, size_t cap)
{
    size_t k = 0, u = 0;
    for (unsigned i = 0; i < n && i < X86GEN_MAX_ACC; i++)
        for (unsigned j = 0; !a[i].write && j < a[i].len && k < cap; j++)
            addr[k++] = a[i].addr + j;
    qsort(addr, k, sizeof *addr, cmp_u64);
    for (size_t i = 0; i < k; i++)
        if (!u || addr[u - 1] != addr[i])
            addr[u++] = addr[i];
    return u;
}

#define FLAT 4096
int x86gen_acc_compare(const x86gen_acc *a, unsigned na, const x86gen_acc *b, unsigned nb,
                       char *why, size_t n)
{
    static uint64_t aa[FLAT], ba[FLAT];
    static uint8_t av[FLAT], bv[FLAT];
    if (na > X86GEN_MAX_ACC || nb > X86GEN_MAX_ACC) {
        snprintf(why, n, "too many accesses (%u, %u)", na, nb);
        return -1;
    }
    size_t ka = flat_writes(a, na, aa, av, FLAT), kb = flat_writes(b, nb, ba, bv, FLAT);
    if (ka != kb) {
        snprintf(why, n, "%zu bytes written vs %zu", ka, kb);
        return -1;
    }
    for (size_t i = 0; i < ka; i++)
        if (aa[i] != ba[i] || av[i] != bv[i]) {
            snprintf(why, n, "write byte %zu: [%llx]=%02x vs [%llx]=%02x", i,
                     (unsigned long long)aa[i], av[i], (unsigned long long)ba[i], bv[i]);
            return -1;
        }
    ka = read_set(a, na, aa, FLAT);
    kb = read_set(b, nb, ba, FLAT);
    if (ka != kb || memcmp(aa, ba, ka * sizeof aa[0])) {
        snprintf(why, n, "read byte sets differ (%zu vs %zu bytes, first %llx vs %llx)", ka, kb,
                 (unsigned long long)(ka ? aa[0] : 0), (unsigned long long)(kb ? ba[0] : 0));
        return -1;
    }
    return 0;
}

int x86gen_acc_compare_exact(const x86gen_acc *a, unsigned na, const x86gen_acc *b, unsigned nb,
                             unsigned chunk, char *why, size_t n)
{
    static x86gen_acc m[X86GEN_MAX_ACC];
    unsigned k = 0;
    if (na > X86GEN_MAX_ACC || nb > X86GEN_MAX_ACC) {
        snprintf(why, n, "too many accesses (%u, %u)", na, nb);
        return -1;
    }
    /* merge a's chunk-sized pieces of one wider access (same page, contiguous) */
    for (unsigned i = 0; i < na; i++) {
        x86gen_acc *p = k ? &m[k - 1] : NULL;
        if (chunk && p && p->write == a[i].write && p->addr + p->len == a[i].addr &&
            (p->addr >> 12) == (a[i].addr >> 12) && p->len % chunk == 0 &&
            p->len + a[i].len <= 64) {
            memcpy(p->data + p->len, a[i].data, a[i].len);
            p->len += a[i].len;
            continue;
        }
        m[k++] = a[i];
    }
    if (k != nb) {
        snprintf(why, n, "%u accesses vs %u", k, nb);
        return -1;
    }
    for (unsigned i = 0; i < k; i++)
        if (m[i].addr != b[i].addr || m[i].len != b[i].len || m[i].write != b[i].write ||
            memcmp(m[i].data, b[i].data, m[i].len > 64 ? 64 : m[i].len)) {
            snprintf(why, n, "access %u: %c%llx/%u vs %c%llx/%u", i, m[i].write ? 'W' : 'R',
                     (unsigned long long)m[i].addr, m[i].len, b[i].write ? 'W' : 'R',
                     (unsigned long long)b[i].addr, b[i].len);
            return -1;
        }
    return 0;
}

void x86gen_acc_print(const char *who, const x86gen_acc *a, unsigned na, char *buf, size_t n)
{
    size_t o = (size_t)snprintf(buf, n, "%s:", who);
    for (unsigned i = 0; i < na && i < 12 && o < n; i++) {
        o += (size_t)snprintf(buf + o, n - o, " %c%llx/%u=", a[i].write ? 'W' : 'R',
                              (unsigned long long)a[i].addr, a[i].len);
        for (unsigned j = 0; j < a[i].len && j < 16 && o < n; j++)
            o += (size_t)snprintf(buf + o, n - o, "%02x", a[i].data[j]);
    }
    if (na > 12 && o < n)
        snprintf(buf + o, n - o, " ... (%u)", na);
}
