/* Intel-syntax rendering of a decoded x86 instruction for `mmioemu decode`:
 * the mnemonic comes from the native decoder's form table; the operands are
 * rendered from the descriptor itself, so what is printed is what the chosen
 * backend decoded. Forms the descriptor cannot describe (no memory operand,
 * KIND_OTHER) are printed by Zydis's formatter when Zydis is built in. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decoders/x86/x86_decode.h"
#include "fmt.h"
#ifdef MMIOEMU_HAVE_ZYDIS
#include "decoders/zydis/zydis_backend.h"
#endif

struct sbuf {
    char *p;
    size_t n, len;
};

static void put(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    size_t room = b->len < b->n ? b->n - b->len : 0;
    va_start(ap, fmt);
    int w = vsnprintf(b->p + b->len, room, fmt, ap);
    va_end(ap);
    if (w > 0)
        b->len += (size_t)w;
    if (b->len >= b->n && b->n)
        b->len = b->n - 1;
}

static const char *ptr_name(unsigned size)
{
    switch (size) {
    case 1: return "byte ptr ";
    case 2: return "word ptr ";
    case 4: return "dword ptr ";
    case 8: return "qword ptr ";
    case 10: return "tbyte ptr ";
    case 16: return "xmmword ptr ";
    case 32: return "ymmword ptr ";
    case 64: return "zmmword ptr ";
    default: return "";
    }
}

static const char *const seg_names[6] = {"es", "cs", "ss", "ds", "fs", "gs"};

/* [seg:][base + index*scale + disp], register names at the address size. */
static void put_mem(struct sbuf *b, const mmioemu_insn *in, const mmioemu_mem *m, unsigned size,
                    int show_seg)
{
    mmioemu_mode mode = (mmioemu_mode)in->mode;
    int any = 0;
    put(b, "%s", ptr_name(size));
    if (show_seg && m->seg < 6)
        put(b, "%s:", seg_names[m->seg]);
    put(b, "[");
    if (m->base != MMIOEMU_REG_NONE) {
        put(b, "%s", mmioemu_reg_name(mode, m->base, m->addr_size));
        any = 1;
    }
    if (m->index != MMIOEMU_REG_NONE) {
        put(b, "%s%s", any ? " + " : "", mmioemu_reg_name(mode, m->index, m->addr_size));
        if (m->shift)
            put(b, "*%u", 1u << m->shift);
        any = 1;
    }
    if (!any)
        put(b, "0x%" PRIx64, (uint64_t)m->disp);
    else if (m->disp < 0)
        put(b, " - 0x%" PRIx64, -(uint64_t)m->disp);
    else if (m->disp > 0)
        put(b, " + 0x%" PRIx64, (uint64_t)m->disp);
    put(b, "]");
}

static void put_imm(struct sbuf *b, int64_t imm, unsigned size)
{
    uint64_t mask = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
    put(b, "0x%" PRIx64, (uint64_t)imm & mask);
}

static const char *reg(const mmioemu_insn *in, uint8_t r, unsigned width)
{
    return mmioemu_reg_name((mmioemu_mode)in->mode, r, width);
}

/* The rDI side of a string instruction, for printing: ES:[rDI] at the
 * instruction's address size (SDM Vol. 2B MOVS/STOS/SCAS). */
static mmioemu_mem string_di(const mmioemu_mem *m)
{
    mmioemu_mem d = *m;
    d.base = MMIOEMU_REG_RDI;
    d.index = MMIOEMU_REG_NONE;
    d.disp = 0;
    d.seg = MMIOEMU_SEG_ES;
    return d;
}

/* Operands in Intel order, from the descriptor. Returns 0 when the kind has
 * no rendering (the caller falls back). */
static int put_operands(struct sbuf *b, const mmioemu_insn *in)
{
    const mmioemu_mem *m = &in->mem;
    mmioemu_mem di = string_di(m);
    int seg = (in->flags & MMIOEMU_F_SEG_OVR) != 0;
    unsigned sz = in->size;
    int src_imm = (in->flags & MMIOEMU_F_IMM) != 0;

    switch (in->kind) {
    case MMIOEMU_KIND_READ:
    case MMIOEMU_KIND_ALU_READ:
        put(b, " %s, ", reg(in, in->reg, in->dst_size ? in->dst_size : sz));
        put_mem(b, in, m, sz, seg);
        return 1;
    case MMIOEMU_KIND_CMP:
        if (in->flags & MMIOEMU_F_MEM_SRC) {
            put(b, " %s, ", reg(in, in->reg, sz));
            put_mem(b, in, m, sz, seg);
            return 1;
        }
        __attribute__((fallthrough)); /* CMP with memory first */
    case MMIOEMU_KIND_WRITE:
    case MMIOEMU_KIND_WRITE_IMM:
    case MMIOEMU_KIND_ALU_RMW:
    case MMIOEMU_KIND_XCHG:
    case MMIOEMU_KIND_CMPXCHG:
    case MMIOEMU_KIND_XADD:
    case MMIOEMU_KIND_BT:
        put(b, " ");
        put_mem(b, in, m, sz, seg);
        if (in->kind == MMIOEMU_KIND_WRITE_IMM || src_imm)
            put(b, ", "), put_imm(b, in->imm, in->kind == MMIOEMU_KIND_BT ? 1 : sz);
        else if (in->reg != MMIOEMU_REG_NONE)
            put(b, ", %s", reg(in, in->reg, sz));
        return 1;
    case MMIOEMU_KIND_CMPXCHG_WIDE:
    case MMIOEMU_KIND_FLUSH:
        put(b, " ");
        put_mem(b, in, m, in->kind == MMIOEMU_KIND_FLUSH ? 0 : sz, seg);
        return 1;
    case MMIOEMU_KIND_MOVDIR64B:
        put(b, " %s, ", reg(in, in->reg, m->addr_size));
        put_mem(b, in, m, 64, seg);
        return 1;
    case MMIOEMU_KIND_MOVS:
    case MMIOEMU_KIND_CMPS:
        put(b, " ");
        put_mem(b, in, in->kind == MMIOEMU_KIND_MOVS ? &di : m, sz,
                in->kind == MMIOEMU_KIND_MOVS ? 0 : seg);
        put(b, ", ");
        put_mem(b, in, in->kind == MMIOEMU_KIND_MOVS ? m : &di, sz,
                in->kind == MMIOEMU_KIND_MOVS ? seg : 0);
        return 1;
    case MMIOEMU_KIND_STOS:
        put(b, " ");
        put_mem(b, in, m, sz, 0);
        put(b, ", %s", reg(in, MMIOEMU_REG_RAX, sz));
        return 1;
    case MMIOEMU_KIND_LODS:
    case MMIOEMU_KIND_SCAS:
        put(b, " %s, ", reg(in, MMIOEMU_REG_RAX, sz));
        put_mem(b, in, m, sz, in->kind == MMIOEMU_KIND_LODS ? seg : 0);
        return 1;
    default: return 0;
    }
}

static const char *native_mnemonic(const mmioemu_insn *in, const uint8_t *code)
{
    mmioemu_insn nat;
    mmioemu_status st;
    const char *s;
    if (in->mode > MMIOEMU_X86_64)
        return NULL;
    nat.id = UINT16_MAX;
    st = mmioemu_decode(MMIOEMU_BACKEND_NATIVE, (mmioemu_mode)in->mode, code, in->length, &nat);
    if ((st != MMIOEMU_OK && st != MMIOEMU_ERR_NO_MEMORY_OPERAND) || nat.id == UINT16_MAX ||
        nat.length != in->length)
        return NULL;
    s = x86_form_mnemonic(nat.id);
    return s && *s ? s : NULL;
}

int cli_format_x86(char *buf, size_t n, const mmioemu_insn *in, const uint8_t *code)
{
    struct sbuf b = {buf, n, 0};
    const char *mn;
    int strings = in->kind >= MMIOEMU_KIND_MOVS && in->kind <= MMIOEMU_KIND_SCAS;

    if (!n)
        return 0;
    buf[0] = 0;
    mn = native_mnemonic(in, code);
    if (!mn || in->kind == MMIOEMU_KIND_NONE || in->kind == MMIOEMU_KIND_OTHER) {
#ifdef MMIOEMU_HAVE_ZYDIS
        int w = zydis_backend_format((mmioemu_mode)in->mode, code, in->length, buf, n);
        if (w >= 0)
            return w;
#endif
        if (!mn)
            mn = in->kind == MMIOEMU_KIND_NONE ? "(no memory operand)" : "(unnamed)";
    }
    if (in->flags & MMIOEMU_F_LOCK)
        put(&b, "lock ");
    if (strings && (in->flags & MMIOEMU_F_REPNE))
        put(&b, "repne ");
    else if (strings && (in->flags & MMIOEMU_F_REP))
        put(&b, "rep ");
    put(&b, "%s", mn);
    if (in->kind != MMIOEMU_KIND_NONE && !put_operands(&b, in)) {
        put(&b, " ");
        put_mem(&b, in, &in->mem, in->size, (in->flags & MMIOEMU_F_SEG_OVR) != 0);
    }
    return (int)b.len;
}
