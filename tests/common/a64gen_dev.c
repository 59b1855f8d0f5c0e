/* Byte-level access traces, a window device for mmioemu's callbacks, and
 * register-file comparison for the arm64 oracle tests. */
#include "a64gen_dev.h"

#include <stdio.h>
#include <string.h>

void a64gen_trace_add(a64gen_trace *t, uint64_t addr, const uint8_t *data, unsigned size,
                      bool write)
{
    t->calls++;
    for (unsigned i = 0; i < size; i++) {
        if (t->n == A64GEN_TRACE_MAX) {
            t->overflow = true;
            return;
        }
        t->b[t->n].addr = addr + i;
        t->b[t->n].val = data[i];
        t->b[t->n].write = write;
        t->n++;
    }
}

static bool byte_before(const a64gen_byte *a, const a64gen_byte *b)
{
    return a->addr < b->addr || (a->addr == b->addr && a->write < b->write);
}

void a64gen_trace_sort(a64gen_trace *t)
{
    for (unsigned i = 1; i < t->n; i++) { /* insertion sort: stable, n <= 96 */
        a64gen_byte x = t->b[i];
        unsigned j = i;
        for (; j > 0 && byte_before(&x, &t->b[j - 1]); j--)
            t->b[j] = t->b[j - 1];
        t->b[j] = x;
    }
}

bool a64gen_trace_equal(const a64gen_trace *a, const a64gen_trace *b)
{
    if (a->n != b->n || a->overflow || b->overflow)
        return false;
    for (unsigned i = 0; i < a->n; i++)
        if (a->b[i].addr != b->b[i].addr || a->b[i].val != b->b[i].val ||
            a->b[i].write != b->b[i].write)
            return false;
    return true;
}

void a64gen_trace_str(const a64gen_trace *t, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < t->n && used + 24 < len; i++) {
        const a64gen_byte *b = &t->b[i];
        bool run = i > 0 && b->write == t->b[i - 1].write && b->addr == t->b[i - 1].addr + 1;
        if (run)
            used += (size_t)snprintf(buf + used, len - used, "%02x", b->val);
        else
            used += (size_t)snprintf(buf + used, len - used, "%s%c %llx=%02x", i ? " " : "",
                                     b->write ? 'W' : 'R', (unsigned long long)b->addr, b->val);
    }
    if (t->overflow && used + 12 < len)
        snprintf(buf + used, len - used, " OVERFLOW");
}

static bool in_win(const a64gen_dev *d, uint64_t addr, size_t size)
{
    return addr >= d->win && size <= d->win_size && addr - d->win <= d->win_size - size;
}

/* The bytes behind a callback: mmio_mem for the device callbacks when set. */
static uint8_t *backing(const a64gen_dev *d, const a64gen_trace *t)
{
    return t == &d->trace && d->mmio_mem ? d->mmio_mem : d->mem;
}

static int dev_read(a64gen_dev *d, a64gen_trace *t, uint64_t pa, void *buf, size_t size)
{
    uint8_t *p = buf, *m = backing(d, t);
    uint64_t addr = pa - d->pa_offset;
    if (!in_win(d, addr, size))
        return -1;
    for (size_t i = 0; i < size; i++)
        p[i] = m ? m[addr - d->win + i] : a64gen_dev_byte(addr + i);
    a64gen_trace_add(t, addr, p, (unsigned)size, false);
    return 0;
}

static int dev_write(a64gen_dev *d, a64gen_trace *t, uint64_t pa, const void *buf, size_t size)
{
    uint8_t *m = backing(d, t);
    uint64_t addr = pa - d->pa_offset;
    if (!in_win(d, addr, size))
        return -1;
    if (m)
        memcpy(m + (addr - d->win), buf, size);
    a64gen_trace_add(t, addr, buf, (unsigned)size, true);
    return 0;
}

static int dev_mmio_read(void *ctx, uint64_t pa, void *buf, unsigned size)
{
    a64gen_dev *d = ctx;
    return dev_read(d, &d->trace, pa, buf, size);
}

static int dev_mmio_write(void *ctx, uint64_t pa, const void *buf, unsigned size)
{
    a64gen_dev *d = ctx;
    return dev_write(d, &d->trace, pa, buf, size);
}

static int dev_ram_read(void *ctx, uint64_t pa, void *buf, size_t size)
{
    a64gen_dev *d = ctx;
    return dev_read(d, &d->ram_trace, pa, buf, size);
}

static int dev_ram_write(void *ctx, uint64_t pa, const void *buf, size_t size)
{
    a64gen_dev *d = ctx;
    return dev_write(d, &d->ram_trace, pa, buf, size);
}

static int dev_is_mmio(void *ctx, uint64_t pa, bool *mmio, uint64_t *span)
{
    const a64gen_dev *d = ctx;
    uint64_t a = pa - d->pa_offset;
    *mmio = d->mmio_hi ? a >= d->mmio_lo && a < d->mmio_hi : in_win(d, a, 1);
    *span = 0; /* ranges are whole pages */
    return 0;
}

static int dev_translate(void *ctx, uint64_t la, uint64_t *pa, bool write)
{
    const a64gen_dev *d = ctx;
    (void)write;
    *pa = la + d->pa_offset;
    return 0;
}

const mmioemu_ops a64gen_dev_ops = {
    .mmio_read = dev_mmio_read,
    .mmio_write = dev_mmio_write,
    .ram_read = dev_ram_read,
    .ram_write = dev_ram_write,
    .is_mmio = dev_is_mmio,
    .translate = dev_translate,
};

void a64gen_cpu_from_case(const a64gen_case *c, uint64_t pc, unsigned el, mmioemu_cpu *cpu)
{
    memset(cpu, 0, sizeof *cpu);
    cpu->mode = MMIOEMU_ARM64;
    mmioemu_arm64_state *s = &cpu->u.arm64;
    memcpy(s->x, c->x, sizeof s->x);
    s->sp = c->x[31];
    s->pc = pc;
    s->el = (uint8_t)el;
    memcpy(s->v, c->v, sizeof s->v);
}

bool a64gen_regs_equal(const mmioemu_arm64_state *want, const mmioemu_arm64_state *got, char *msg,
                       size_t len)
{
    for (unsigned i = 0; i < 31; i++)
        if (want->x[i] != got->x[i]) {
            snprintf(msg, len, "x%u: want %016llx got %016llx", i, (unsigned long long)want->x[i],
                     (unsigned long long)got->x[i]);
            return false;
        }
    if (want->sp != got->sp || want->pc != got->pc) {
        snprintf(msg, len, "sp/pc: want %llx/%llx got %llx/%llx", (unsigned long long)want->sp,
                 (unsigned long long)want->pc, (unsigned long long)got->sp,
                 (unsigned long long)got->pc);
        return false;
    }
    for (unsigned i = 0; i < 32; i++)
        if (memcmp(want->v[i], got->v[i], 16) != 0) {
            int n = snprintf(msg, len, "v%u: want ", i);
            for (unsigned j = 16; j-- > 0 && n > 0 && (size_t)n + 3 < len;)
                n += snprintf(msg + n, len - (size_t)n, "%02x", want->v[i][j]);
            n += snprintf(msg + n, len - (size_t)n, " got ");
            for (unsigned j = 16; j-- > 0 && n > 0 && (size_t)n + 3 < len;)
                n += snprintf(msg + n, len - (size_t)n, "%02x", got->v[i][j]);
            return false;
        }
    return true;
}
