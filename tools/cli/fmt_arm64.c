/* arm64 rendering for `mmioemu decode`: "ldp x0, x1, [x2]", "str w9, [x0], #4".
 * The mnemonic comes from the native decoder's form table (generated names);
 * the operands from the descriptor being shown, whichever backend made it.
 * Hosted code: printf family allowed. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decoders/arm64/a64_decode.h"
#include "decoders/arm64/a64_names.gen.h"
#include "decoders/arm64/a64_tables.gen.h"
#include "fmt.h"

struct out {
    char *buf;
    size_t n, len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->len < o->n ? o->n - o->len : 0;
    int k = vsnprintf(o->buf + (o->n ? (o->len < o->n ? o->len : o->n - 1) : 0), room, fmt, ap);
    va_end(ap);
    if (k > 0)
        o->len += (size_t)k;
}

static const char *reg(uint8_t r, unsigned width)
{
    return mmioemu_reg_name(MMIOEMU_ARM64, r, width);
}

/* Width a data register is named with: SIMD&FP by access size; a GPR is X
 * for 8-byte accesses and X-destination loads, else W. */
static unsigned data_width(const mmioemu_insn *in, uint8_t r)
{
    if (r >= MMIOEMU_REG_V0 && r != MMIOEMU_REG_NONE)
        return in->size;
    bool load = in->kind == MMIOEMU_KIND_READ || in->kind == MMIOEMU_KIND_LOAD_PAIR;
    return (load ? in->dst_size : in->size) == 8 ? 8 : 4;
}

/* C6.2 PRFM: Rt is <prfop> = type (PLD/PLI/PST), target (L1..L3), policy. */
static void prfop(struct out *o, uint32_t word)
{
    static const char *const type[] = {"pld", "pli", "pst"};
    unsigned t = word & 31;
    if ((t >> 3) < 3 && ((t >> 1) & 3) < 3)
        put(o, "%sl%u%s, ", type[t >> 3], ((t >> 1) & 3) + 1, (t & 1) ? "strm" : "keep");
    else
        put(o, "#%u, ", t);
}

static const char *const ext_name[8] = {"uxtb", "uxth", "uxtw", "lsl",
                                        "sxtb", "sxth", "sxtw", "sxtx"};

static void address(struct out *o, const mmioemu_insn *in)
{
    const mmioemu_mem *m = &in->mem;
    if (m->base == MMIOEMU_REG_NONE) {
        put(o, "[far]");
        return;
    }
    if (in->flags & MMIOEMU_F_LITERAL) {
        put(o, "pc%+lld", (long long)m->disp);
        return;
    }
    put(o, "[%s", reg(m->base, 8));
    if (m->index != MMIOEMU_REG_NONE && !(in->flags & MMIOEMU_F_WB_POST)) {
        unsigned e = m->index_ext & 7;
        bool w = e == MMIOEMU_IDX_UXTW || e == MMIOEMU_IDX_SXTW;
        put(o, ", %s", reg(m->index, w ? 4 : 8));
        if (e != MMIOEMU_IDX_LSL)
            put(o, ", %s", ext_name[e]);
        if (m->shift)
            put(o, "%s#%u", e == MMIOEMU_IDX_LSL ? ", lsl " : " ", m->shift);
    }
    if (in->flags & MMIOEMU_F_WB_POST) {
        put(o, "], ");
        if (m->index != MMIOEMU_REG_NONE)
            put(o, "%s", reg(m->index, 8));
        else
            put(o, "#%lld", (long long)m->disp);
        return;
    }
    if (m->disp)
        put(o, ", #%lld", (long long)m->disp);
    put(o, (in->flags & MMIOEMU_F_WB_PRE) ? "]!" : "]");
}

/* Registers before the address, in assembler order. */
static void operands(struct out *o, const mmioemu_insn *in, const a64_form *f, const char *name,
                     uint32_t word)
{
    bool other = in->kind == MMIOEMU_KIND_OTHER;
    if (strchr(name, ' ')) { /* "dc civac" / "ic ivau": <op>, Xt */
        put(o, ", %s", reg(in->mem.base, 8));
        return;
    }
    if (in->kind == MMIOEMU_KIND_FLUSH) { /* prfm / prfum */
        prfop(o, word);
        address(o, in);
        return;
    }
    if (other && in->reg >= MMIOEMU_REG_V0 && in->reg != MMIOEMU_REG_NONE) { /* LDn/STn */
        put(o, "{v%u, ...}, ", in->reg - MMIOEMU_REG_V0);
        address(o, in);
        return;
    }
    unsigned w = other ? (in->size >= 8 ? 8 : 4) : data_width(in, in->reg);
    if (!strncmp(name, "casp", 4) && in->reg2 <= 30 && in->reg <= 30) { /* Rs, Rs+1, Rt, Rt+1 */
        put(o, "%s, %s, ", reg(in->reg2, w), reg((uint8_t)(in->reg2 + 1), w));
        put(o, "%s, %s, ", reg(in->reg, w), reg((uint8_t)(in->reg + 1), w));
        address(o, in);
        return;
    }
    /* Rs (exclusives' status, CAS's compare value, LSE's operand) comes first. */
    bool rs_first = f && f->r2_shift == 16 && in->reg2 != MMIOEMU_REG_NONE;
    if (rs_first)
        put(o, "%s, ", reg(in->reg2, name[0] == 's' && name[1] == 't' ? 4 : w));
    if (in->reg != MMIOEMU_REG_NONE)
        put(o, "%s, ", reg(in->reg, w));
    if (in->reg2 != MMIOEMU_REG_NONE && !rs_first)
        put(o, "%s, ", reg(in->reg2, w));
    address(o, in);
}

/* The mnemonic of the ESR descriptor (no form): ldr/ldrs + b/h/w, str + b/h. */
static void esr_name(struct out *o, const mmioemu_insn *in)
{
    static const char *const sfx[9] = {"", "b", "h", "", "", "", "", "", ""};
    bool load = in->kind == MMIOEMU_KIND_READ;
    bool sign = load && in->ext == MMIOEMU_EXT_SIGN;
    const char *s = in->size <= 8 ? sfx[in->size] : "";
    if (sign && in->size == 4)
        s = "w";
    put(o, "%s%s%s ", load ? "ldr" : "str", sign ? "s" : "", s);
}

int cli_format_arm64(char *buf, size_t n, const mmioemu_insn *in, uint32_t word)
{
    struct out o = {buf, n, 0};
    mmioemu_insn native;
    uint8_t b[4] = {(uint8_t)word, (uint8_t)(word >> 8), (uint8_t)(word >> 16),
                    (uint8_t)(word >> 24)};
    if (n)
        buf[0] = 0;
    if (in->kind == MMIOEMU_KIND_NONE) {
        put(&o, "-");
        return (int)o.len;
    }
    const char *name = NULL;
    const a64_form *f = NULL;
    if (in->id != A64_FORM_ID_ESR &&
        mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_ARM64, b, 4, &native) == MMIOEMU_OK &&
        native.id < A64_FORM_COUNT) {
        f = &a64_forms[native.id];
        name = a64_form_names[native.id];
    }
    if (!name) {
        esr_name(&o, in);
        name = "";
    } else {
        put(&o, "%s%s", name, strchr(name, ' ') ? "" : " ");
    }
    operands(&o, in, f, name, word);
    return (int)(o.len < n ? o.len : n ? n - 1 : 0);
}
