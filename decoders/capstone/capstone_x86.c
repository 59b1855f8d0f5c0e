/* Capstone 4 x86 adapter: decodes one instruction with detail on and fills
 * mmioemu_insn through the shared hx_fill (../zydis/hostx86.h). Hosted only.
 * Capstone's operand access flags are wrong for many stores (FIELD-NOTES), so
 * the direction comes from the instruction id and operand order, never from
 * cs_x86_op.access. Capstone reports no default segment: we apply the SDM rule. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <capstone/capstone.h>

#include "../zydis/hostx86.h"
#include "capstone_internal.h"

#define CS_ROW(name, cls, op, fl) [X86_INS_##name] = {cls, op, fl},
static const hx_row cs_rows[X86_INS_ENDING] = {
    HX_COMMON_ROWS(CS_ROW) CS_ROW(MOVABS, HX_MOV, MMIOEMU_OP_NONE, 0) /* A0..A3 moffs forms */
};
static const hx_row cs_movsd_string = HX_ROW_MOVSD_STRING;
static const hx_row cs_cmpsd_string = HX_ROW_CMPSD_STRING;
static const hx_row cs_movsd_sse = HX_ROW_MOVSD_SSE;

/* Capstone register -> mmioemu register number + 1 (0: not nameable). */
#define CS_GPR(n, b, w, d, q)                                                                      \
    [X86_REG_##b] = (n) + 1, [X86_REG_##w] = (n) + 1, [X86_REG_##d] = (n) + 1,                     \
    [X86_REG_##q] = (n) + 1,
static const uint8_t cs_regmap[X86_REG_ENDING] = {
    CS_GPR(0, AL, AX, EAX, RAX) CS_GPR(1, CL, CX, ECX, RCX) CS_GPR(2, DL, DX, EDX, RDX)
        CS_GPR(3, BL, BX, EBX, RBX) CS_GPR(4, SPL, SP, ESP, RSP) CS_GPR(5, BPL, BP, EBP, RBP)
            CS_GPR(6, SIL, SI, ESI, RSI) CS_GPR(7, DIL, DI, EDI, RDI) CS_GPR(8, R8B, R8W, R8D, R8)
                CS_GPR(9, R9B, R9W, R9D, R9) CS_GPR(10, R10B, R10W, R10D, R10)
                    CS_GPR(11, R11B, R11W, R11D, R11) CS_GPR(12, R12B, R12W, R12D, R12)
                        CS_GPR(13, R13B, R13W, R13D, R13) CS_GPR(14, R14B, R14W, R14D, R14)
                            CS_GPR(15, R15B, R15W, R15D, R15)[X86_REG_AH] = MMIOEMU_REG_AH + 1,
    [X86_REG_CH] = MMIOEMU_REG_CH + 1,
    [X86_REG_DH] = MMIOEMU_REG_DH + 1,
    [X86_REG_BH] = MMIOEMU_REG_BH + 1,
    [X86_REG_RIP] = MMIOEMU_REG_RIP + 1,
    [X86_REG_EIP] = MMIOEMU_REG_RIP + 1,
};

static const uint8_t cs_segmap[X86_REG_ENDING] = {
    [X86_REG_ES] = MMIOEMU_SEG_ES + 1, [X86_REG_CS] = MMIOEMU_SEG_CS + 1,
    [X86_REG_SS] = MMIOEMU_SEG_SS + 1, [X86_REG_DS] = MMIOEMU_SEG_DS + 1,
    [X86_REG_FS] = MMIOEMU_SEG_FS + 1, [X86_REG_GS] = MMIOEMU_SEG_GS + 1,
};

static uint8_t cs_reg(unsigned r)
{
    if (r >= X86_REG_XMM0 && r <= X86_REG_XMM31)
        return (uint8_t)(MMIOEMU_REG_V0 + (r - X86_REG_XMM0));
    if (r >= X86_REG_YMM0 && r <= X86_REG_YMM31)
        return (uint8_t)(MMIOEMU_REG_V0 + (r - X86_REG_YMM0));
    if (r >= X86_REG_ZMM0 && r <= X86_REG_ZMM31)
        return (uint8_t)(MMIOEMU_REG_V0 + (r - X86_REG_ZMM0));
    return r < X86_REG_ENDING && cs_regmap[r] ? (uint8_t)(cs_regmap[r] - 1) : MMIOEMU_REG_NONE;
}

/* One handle and one cs_insn per thread and mode, opened on first use:
 * cs_open per call costs more than the decode. They hang off a pthread key,
 * so concurrent callers never share a handle, and the key's destructor
 * closes them when a thread exits (the main thread's live until exit). */
struct cs_slot {
    csh h;
    cs_insn *insn;
    int state; /* 0 unopened, 1 ready, -1 failed */
};
static pthread_once_t cs_once = PTHREAD_ONCE_INIT;
static pthread_key_t cs_key;
static int cs_key_ok;

static void cs_release(void *p)
{
    struct cs_slot *s = p;
    for (int i = 0; i < 3; i++)
        if (s[i].state == 1) {
            cs_free(s[i].insn, 1);
            cs_close(&s[i].h);
        }
    free(s);
}

static void cs_key_init(void)
{
    cs_key_ok = pthread_key_create(&cs_key, cs_release) == 0;
}

static struct cs_slot *cs_get(mmioemu_mode mode)
{
    static const cs_mode modes[3] = {CS_MODE_16, CS_MODE_32, CS_MODE_64};
    struct cs_slot *slots, *s;
    pthread_once(&cs_once, cs_key_init);
    if (!cs_key_ok)
        return NULL;
    slots = pthread_getspecific(cs_key);
    if (!slots) {
        slots = calloc(3, sizeof(*slots));
        if (!slots || pthread_setspecific(cs_key, slots)) {
            free(slots);
            return NULL;
        }
    }
    s = &slots[mode];
    if (s->state == 0) {
        s->state = -1;
        if (cs_open(CS_ARCH_X86, modes[mode], &s->h) == CS_ERR_OK) {
            cs_option(s->h, CS_OPT_DETAIL, CS_OPT_ON);
            s->insn = cs_malloc(s->h);
            if (s->insn)
                s->state = 1;
            else
                cs_close(&s->h);
        }
    }
    return s->state == 1 ? s : NULL;
}

/* Facts Capstone 4 does not report, from the raw bytes: LOCK/REP prefixes
 * (last F2/F3 wins), VEX/EVEX/XOP and the EVEX opmask. SDM Vol. 2A 2.3.5 and
 * 2.6: in 16/32-bit mode C4/C5/62 are VEX/EVEX only when the next byte has
 * bits 7:6 = 11 (else LES/LDS/BOUND); 8F is XOP only when bits 4:3 are not 0. */
static void cs_prefixes(mmioemu_mode mode, const uint8_t *c, size_t n, hx_prefix *p)
{
    size_t i = 0;
    memset(p, 0, sizeof(*p));
    for (; i < n; i++) {
        uint8_t b = c[i];
        if (b == 0xf0)
            p->lock = 1;
        else if (b == 0xf2 || b == 0xf3)
            p->rep = b == 0xf3, p->repne = b == 0xf2;
        else if (!(b == 0x66 || b == 0x67 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 ||
                   b == 0x64 || b == 0x65 || (mode == MMIOEMU_X86_64 && (b & 0xf0) == 0x40)))
            break;
    }
    if (i + 1 >= n)
        return;
    int modrm11 = mode == MMIOEMU_X86_64 || (c[i + 1] & 0xc0) == 0xc0;
    if ((c[i] == 0xc4 || c[i] == 0xc5) && modrm11)
        p->vex = 1;
    else if (c[i] == 0x8f && (c[i + 1] & 0x18))
        p->vex = 1;
    else if (c[i] == 0x62 && modrm11) {
        p->evex = 1;
        p->masked = i + 3 < n && (c[i + 3] & 7) != 0; /* EVEX.aaa (SDM 2.7.1) */
    }
}

static void cs_mem(const cs_x86 *x, const cs_x86_op *co, int dst_string, hx_op *o)
{
    static const uint8_t shift[9] = {0, 0, 1, 0, 2, 0, 0, 0, 3};
    unsigned seg = co->mem.segment;
    o->type = HX_T_MEM;
    o->mem.disp = co->mem.disp;
    o->mem.base = co->mem.base ? cs_reg(co->mem.base) : MMIOEMU_REG_NONE;
    o->mem.index = co->mem.index ? cs_reg(co->mem.index) : MMIOEMU_REG_NONE;
    o->mem.shift = co->mem.scale >= 0 && co->mem.scale <= 8 ? shift[co->mem.scale] : 0;
    o->mem.addr_size = x->addr_size;
    o->mem.index_ext = MMIOEMU_IDX_LSL;
    if (seg < X86_REG_ENDING && cs_segmap[seg]) {
        o->mem.seg = (uint8_t)(cs_segmap[seg] - 1);
        o->mem.reserved[0] = 1; /* marks an override for the caller */
        return;
    }
    /* SDM Vol. 1 3.7.4 / Table 3-5: ES for the string destination, SS when
     * the base is rSP or rBP (incl. 16-bit [bp+si], [bp+di], [bp+d]), else DS. */
    if (dst_string)
        o->mem.seg = MMIOEMU_SEG_ES;
    else if (o->mem.base == MMIOEMU_REG_RSP || o->mem.base == MMIOEMU_REG_RBP)
        o->mem.seg = MMIOEMU_SEG_SS;
    else
        o->mem.seg = MMIOEMU_SEG_DS;
}

/* Capstone lists no operand for the implicit memory access of XLAT
 * (DS:[rBX + AL]; AL is not expressible as an index, so base rBX only, as
 * Zydis does) and MASKMOVQ/MASKMOVDQU (DS:[rDI], SDM Vol. 2B): add it, with a
 * segment override if the bytes carry one. Returns 1 if *o was filled. */
static int cs_implicit_mem(mmioemu_mode mode, const cs_insn *in, hx_op *o)
{
    static const struct {
        uint16_t id;
        uint8_t base, size;
    } imp[] = {
        {X86_INS_XLATB, MMIOEMU_REG_RBX, 1},
        {X86_INS_MASKMOVQ, MMIOEMU_REG_RDI, 8},
        {X86_INS_MASKMOVDQU, MMIOEMU_REG_RDI, 16},
        {X86_INS_VMASKMOVDQU, MMIOEMU_REG_RDI, 16},
    };
    static const uint8_t seg_of[6][2] = {{0x26, MMIOEMU_SEG_ES}, {0x2e, MMIOEMU_SEG_CS},
                                         {0x36, MMIOEMU_SEG_SS}, {0x3e, MMIOEMU_SEG_DS},
                                         {0x64, MMIOEMU_SEG_FS}, {0x65, MMIOEMU_SEG_GS}};
    const cs_x86 *x = &in->detail->x86;
    for (unsigned i = 0; i < sizeof(imp) / sizeof(imp[0]); i++) {
        if (imp[i].id != in->id)
            continue;
        memset(o, 0, sizeof(*o));
        o->type = HX_T_MEM;
        o->size = imp[i].size;
        o->mem.base = imp[i].base;
        o->mem.index = MMIOEMU_REG_NONE;
        o->mem.addr_size = x->addr_size;
        o->mem.seg = MMIOEMU_SEG_DS;
        for (unsigned k = 0; k < 6; k++)
            if (x->prefix[1] == seg_of[k][0]) {
                o->mem.seg = seg_of[k][1];
                o->mem.reserved[0] = 1; /* override marker, as cs_mem() */
            }
        (void)mode;
        return 1;
    }
    return 0;
}

static const hx_row *cs_row(const cs_insn *in)
{
    const cs_x86 *x = &in->detail->x86;
    /* MOVSD/CMPSD: string forms are A5/A7 in the one-byte map, SSE2 ones 0F xx. */
    if (in->id == X86_INS_MOVSD)
        return x->opcode[0] == 0xa5 ? &cs_movsd_string : &cs_movsd_sse;
    if (in->id == X86_INS_CMPSD && x->opcode[0] == 0xa7)
        return &cs_cmpsd_string;
    return in->id < X86_INS_ENDING ? &cs_rows[in->id] : &cs_rows[0];
}

static mmioemu_status cs_fail(struct cs_slot *s, const uint8_t *code, size_t len, mmioemu_insn *out)
{
    /* Capstone does not tell "truncated" from "invalid". If some
     * continuation (zeros) makes a longer valid instruction, the bytes given
     * are a prefix of one: truncated, needing at least one more byte. */
    uint8_t pad[15] = {0};
    const uint8_t *c = pad;
    size_t n = sizeof(pad);
    uint64_t addr = 0;
    if (len >= sizeof(pad))
        return MMIOEMU_ERR_INVALID;
    memcpy(pad, code, len);
    if (cs_disasm_iter(s->h, &c, &n, &addr, s->insn) && s->insn->size > len) {
        out->length = (uint8_t)(len + 1);
        return MMIOEMU_ERR_TRUNCATED;
    }
    return MMIOEMU_ERR_INVALID;
}

mmioemu_status capstone_x86_decode(mmioemu_mode mode, const uint8_t *code, size_t len,
                                   mmioemu_insn *out)
{
    struct cs_slot *s;
    const uint8_t *c = code;
    size_t n = len > 15 ? 15 : len;
    uint64_t addr = 0;
    hx_op o[8];
    hx_prefix p;
    unsigned cnt = 0, mi = ~0u;

    if ((unsigned)mode > MMIOEMU_X86_64 || !(s = cs_get(mode)))
        return MMIOEMU_ERR_UNSUPPORTED;
    if (!cs_disasm_iter(s->h, &c, &n, &addr, s->insn))
        return cs_fail(s, code, len > 15 ? 15 : len, out);
    const cs_insn *in = s->insn;
    const cs_x86 *x = &in->detail->x86;
    const hx_row *row = cs_row(in);
    hx_init(out, mode, in->size, (uint16_t)in->id);
    for (unsigned i = 0; i < x->op_count && cnt < 8; i++) {
        const cs_x86_op *co = &x->operands[i];
        hx_op *d = &o[cnt];
        memset(d, 0, sizeof(*d));
        d->size = co->size;
        if (co->type == X86_OP_REG) {
            d->type = HX_T_REG;
            d->reg = cs_reg(co->reg);
            if (co->reg >= X86_REG_XMM0 && co->reg <= X86_REG_ZMM31) /* whole register */
                d->size = co->reg <= X86_REG_XMM31 ? 16 : co->reg <= X86_REG_YMM31 ? 32 : 64;
        } else if (co->type == X86_OP_IMM) {
            d->type = HX_T_IMM;
            d->imm = co->imm;
        } else if (co->type == X86_OP_MEM) {
            cs_mem(x, co,
                   co->mem.base && cs_reg(co->mem.base) == MMIOEMU_REG_RDI && row->cls >= HX_MOVS &&
                       row->cls <= HX_SCAS,
                   d);
            if (mi == ~0u)
                mi = cnt;
        } else {
            continue;
        }
        cnt++;
    }
    if (mi == ~0u && cnt < 8 && cs_implicit_mem(mode, in, &o[cnt]))
        mi = cnt++;
    if (mi == ~0u || row->cls == HX_NOMEM)
        return MMIOEMU_ERR_NO_MEMORY_OPERAND;
    /* the override marker only travels to here; the descriptor keeps it as a flag */
    for (unsigned i = 0; i < cnt; i++) {
        if (o[i].type == HX_T_MEM && o[i].mem.reserved[0]) {
            out->flags |= MMIOEMU_F_SEG_OVR; /* only one operand can take it */
            o[i].mem.reserved[0] = 0;
        }
    }
    cs_prefixes(mode, code, in->size, &p);
    return hx_fill(row, o, cnt, mi, &p, out);
}
