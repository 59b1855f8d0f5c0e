/* Byte-array device and RAM for the arm64 emulator tests (a64core_env.h). */
#include "a64core_env.h"

#include <string.h>

static uint8_t *window(a64core_env *e, uint64_t addr, size_t size, bool *mmio)
{
    if (addr >= A64CORE_MMIO_BASE && addr + size <= A64CORE_MMIO_BASE + A64CORE_WIN) {
        *mmio = true;
        return &e->mmio[addr - A64CORE_MMIO_BASE];
    }
    if (addr >= A64CORE_RAM_BASE && addr + size <= A64CORE_RAM_BASE + A64CORE_WIN) {
        *mmio = false;
        return &e->ram[addr - A64CORE_RAM_BASE];
    }
    return NULL;
}

static int env_access(void *ctx, uint64_t addr, void *buf, size_t size, bool write, bool want_mmio)
{
    a64core_env *e = ctx;
    bool mmio;
    uint8_t *p = window(e, addr, size, &mmio);
    if (++e->calls == (unsigned)e->fail_at)
        return -1;
    if (!p || mmio != want_mmio || size > 64 || e->nlog >= A64CORE_LOG)
        return -1;
    a64core_acc *a = &e->log[e->nlog++];
    a->write = write;
    a->mmio = mmio;
    a->addr = addr;
    a->len = (unsigned)size;
    if (write)
        memcpy(p, buf, size);
    else
        memcpy(buf, p, size);
    memcpy(a->data, p, size);
    return 0;
}

static int mmio_read(void *ctx, uint64_t addr, void *buf, unsigned size)
{
    return env_access(ctx, addr, buf, size, false, true);
}

static int mmio_write(void *ctx, uint64_t addr, const void *buf, unsigned size)
{
    return env_access(ctx, addr, (void *)buf, size, true, true);
}

static int ram_read(void *ctx, uint64_t addr, void *buf, size_t size)
{
    return env_access(ctx, addr, buf, size, false, false);
}

static int ram_write(void *ctx, uint64_t addr, const void *buf, size_t size)
{
    return env_access(ctx, addr, (void *)buf, size, true, false);
}

static int cmpxchg(void *ctx, uint64_t addr, void *old, const void *new_, unsigned size)
{
    a64core_env *e = ctx;
    bool mmio;
    uint8_t *p = window(e, addr, size, &mmio);
    if (++e->calls == (unsigned)e->fail_at || !p || size > 8 || e->nlog >= A64CORE_LOG)
        return -1;
    if (e->interfere) { /* another agent changed the location just before */
        e->interfere--;
        p[0]++;
    }
    a64core_acc *a = &e->log[e->nlog++];
    a->mmio = mmio;
    a->addr = addr;
    a->len = size;
    if (memcmp(p, old, size) != 0) {
        memcpy(old, p, size);
        a->write = false;
        memcpy(a->data, p, size);
        return 1;
    }
    memcpy(p, new_, size);
    a->write = true;
    memcpy(a->data, p, size);
    return 0;
}

static int is_mmio(void *ctx, uint64_t pa, bool *mmio, uint64_t *span)
{
    (void)ctx;
    *mmio = pa >= A64CORE_MMIO_BASE && pa < A64CORE_MMIO_BASE + A64CORE_WIN;
    *span = 0;
    return 0;
}

void a64core_env_init(a64core_env *e)
{
    memset(e, 0, sizeof(*e));
    e->ops.mmio_read = mmio_read;
    e->ops.mmio_write = mmio_write;
    e->ops.ram_read = ram_read;
    e->ops.ram_write = ram_write;
    e->ops.is_mmio = is_mmio;
    e->ops.cmpxchg = cmpxchg;
}

void a64core_cpu_init(mmioemu_cpu *c)
{
    memset(c, 0, sizeof(*c));
    c->mode = MMIOEMU_ARM64;
    c->u.arm64.el = 1;
    c->u.arm64.pc = 0x400000;
}

mmioemu_status a64core_run_fault(a64core_env *e, mmioemu_cpu *c, uint32_t w, const mmioemu_fault *f,
                                 const mmioemu_policy *p)
{
    uint8_t b[4] = {(uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16), (uint8_t)(w >> 24)};
    mmioemu_fault ff = *f;
    if (!ff.insn && !(ff.flags & MMIOEMU_FAULT_ESR)) {
        ff.insn = b;
        ff.insn_len = 4;
    }
    return mmioemu_emulate(&e->ops, e, c, &ff, p, NULL);
}

mmioemu_status a64core_run(a64core_env *e, mmioemu_cpu *c, uint32_t w, uint64_t fault_addr)
{
    mmioemu_fault f = {0};
    mmioemu_policy p = {0};
    f.gla = f.gpa = fault_addr;
    f.flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA;
    p.flags = MMIOEMU_POLICY_IDENTITY;
    return a64core_run_fault(e, c, w, &f, &p);
}
