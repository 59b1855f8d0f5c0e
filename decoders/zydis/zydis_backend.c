/* Zydis 4 adapter: decodes with ZydisDecoderDecodeFull and fills mmioemu_insn
 * through the shared hx_fill (hostx86.h). Hosted only. No state: the decoder
 * object is a few fields, initialised on the stack per call.
 * Zydis defects are passed through, not patched (tests/known-backend-bugs.md). */
#include <string.h>

#include <Zydis/Zydis.h>

#include "hostx86.h"
#include "zydis_backend.h"

#define ZY_ROW(name, cls, op, fl) [ZYDIS_MNEMONIC_##name] = {cls, op, fl},
static const hx_row zy_rows[ZYDIS_MNEMONIC_MAX_VALUE + 1] = {
    HX_COMMON_ROWS(ZY_ROW) ZY_ROW(MOVDIRI, HX_MOV, MMIOEMU_OP_NONE, HX_DIRECT)
        ZY_ROW(MOVDIR64B, HX_MOVDIR64B, MMIOEMU_OP_NONE, 0)
            ZY_ROW(PREFETCHWT1, HX_NOMEM, MMIOEMU_OP_NONE, 0)
                ZY_ROW(CLDEMOTE, HX_NOMEM, MMIOEMU_OP_NONE, 0)};
static const hx_row zy_movsd_string = HX_ROW_MOVSD_STRING;
static const hx_row zy_cmpsd_string = HX_ROW_CMPSD_STRING;
static const hx_row zy_movsd_sse = HX_ROW_MOVSD_SSE;

/* x86-16 is 16-bit protected mode (LEGACY_16), where VEX/EVEX are valid;
 * in real and virtual-8086 mode they raise #UD (SDM Vol. 2A 2.3, VEX
 * exception conditions), a distinction the descriptor's mode cannot carry. */
static const ZydisMachineMode zy_mode[3] = {
    ZYDIS_MACHINE_MODE_LEGACY_16, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_MACHINE_MODE_LONG_64};
static const ZydisStackWidth zy_stack[3] = {ZYDIS_STACK_WIDTH_16, ZYDIS_STACK_WIDTH_32,
                                            ZYDIS_STACK_WIDTH_64};

/* Zydis numbers GPR8 as AL..BL 0-3, AH..BH 4-7, SPL..DIL 8-11, R8B..R15B 12-19. */
static uint8_t zy_reg(ZydisRegister r)
{
    int id = ZydisRegisterGetId(r);
    switch (ZydisRegisterGetClass(r)) {
    case ZYDIS_REGCLASS_GPR8:
        if (id >= 4 && id < 8)
            return (uint8_t)(MMIOEMU_REG_AH + id - 4);
        return (uint8_t)(id < 4 ? id : id - 4);
    case ZYDIS_REGCLASS_GPR16:
    case ZYDIS_REGCLASS_GPR32:
    case ZYDIS_REGCLASS_GPR64: return (uint8_t)id;
    case ZYDIS_REGCLASS_XMM:
    case ZYDIS_REGCLASS_YMM:
    case ZYDIS_REGCLASS_ZMM: return (uint8_t)(MMIOEMU_REG_V0 + id);
    case ZYDIS_REGCLASS_IP: return MMIOEMU_REG_RIP;
    default: return MMIOEMU_REG_NONE;
    }
}

static void zy_mem(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *z, hx_op *o)
{
    static const uint8_t shift[9] = {0, 0, 1, 0, 2, 0, 0, 0, 3};
    o->type = HX_T_MEM;
    o->size = (uint16_t)(z->size / 8);
    o->mem.disp = z->mem.disp.has_displacement ? z->mem.disp.value : 0;
    o->mem.base = z->mem.base == ZYDIS_REGISTER_NONE ? MMIOEMU_REG_NONE : zy_reg(z->mem.base);
    o->mem.index = z->mem.index == ZYDIS_REGISTER_NONE ? MMIOEMU_REG_NONE : zy_reg(z->mem.index);
    o->mem.shift = z->mem.scale <= 8 ? shift[z->mem.scale] : 0;
    o->mem.seg = z->mem.segment == ZYDIS_REGISTER_NONE
                     ? MMIOEMU_SEG_NONE
                     : (uint8_t)ZydisRegisterGetId(z->mem.segment);
    o->mem.addr_size = (uint8_t)(in->address_width / 8);
    o->mem.index_ext = MMIOEMU_IDX_LSL;
    o->mem.reserved[0] = o->mem.reserved[1] = 0;
}

/* A hidden memory operand that is a data access the descriptor should
 * report (XLAT's DS:[rBX+AL], INS/OUTS, MASKMOVQ/MASKMOVDQU's DS:[rDI]), as
 * opposed to the implicit stack slot of PUSH/POP/CALL/RET/ENTER/LEAVE, which
 * no MMIO decoder treats as a device access. */
static int zy_implicit_mem(const ZydisDecodedOperand *z)
{
    if (z->type != ZYDIS_OPERAND_TYPE_MEMORY || z->mem.type != ZYDIS_MEMOP_TYPE_MEM)
        return 0;
    ZydisRegister b = z->mem.base;
    if (b == ZYDIS_REGISTER_RSP || b == ZYDIS_REGISTER_ESP || b == ZYDIS_REGISTER_SP)
        return 0;
    /* LEAVE reads the saved frame pointer at SS:[rBP] */
    return !(z->mem.segment == ZYDIS_REGISTER_SS &&
             (b == ZYDIS_REGISTER_RBP || b == ZYDIS_REGISTER_EBP || b == ZYDIS_REGISTER_BP));
}

static mmioemu_status zy_error(ZyanStatus st, size_t len, mmioemu_insn *out)
{
    /* Zydis does not say how many bytes are missing: one more is all we know. */
    if (st == ZYDIS_STATUS_NO_MORE_DATA && len < ZYDIS_MAX_INSTRUCTION_LENGTH) {
        out->length = (uint8_t)(len + 1);
        return MMIOEMU_ERR_TRUNCATED;
    }
    return MMIOEMU_ERR_INVALID;
}

static const hx_row *zy_row(const ZydisDecodedInstruction *in)
{
    /* MOVSD/CMPSD: string form in the one-byte map, SSE2 form in 0F. */
    if (in->mnemonic == ZYDIS_MNEMONIC_MOVSD)
        return in->opcode_map == ZYDIS_OPCODE_MAP_DEFAULT ? &zy_movsd_string : &zy_movsd_sse;
    if (in->mnemonic == ZYDIS_MNEMONIC_CMPSD && in->opcode_map == ZYDIS_OPCODE_MAP_DEFAULT)
        return &zy_cmpsd_string;
    return &zy_rows[in->mnemonic];
}

static int zy_decode(mmioemu_mode mode, const uint8_t *code, size_t len,
                     ZydisDecodedInstruction *in, ZydisDecodedOperand *ops, ZyanStatus *st)
{
    ZydisDecoder dec;
    if ((unsigned)mode > MMIOEMU_X86_64)
        return 0;
    ZydisDecoderInit(&dec, zy_mode[mode], zy_stack[mode]);
    *st = ZydisDecoderDecodeFull(&dec, code, len > 15 ? 15 : len, in, ops);
    return 1;
}

mmioemu_status zydis_backend_decode(mmioemu_mode mode, const uint8_t *code, size_t len,
                                    mmioemu_insn *out)
{
    ZydisDecodedInstruction in;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    hx_op o[ZYDIS_MAX_OPERAND_COUNT];
    hx_prefix p;
    ZyanStatus st;
    unsigned n = 0, mi = ~0u;

    if (!zy_decode(mode, code, len, &in, zo, &st))
        return MMIOEMU_ERR_UNSUPPORTED;
    if (!ZYAN_SUCCESS(st))
        return zy_error(st, len, out);
    hx_init(out, mode, in.length, (uint16_t)in.mnemonic);
    const hx_row *row = zy_row(&in);
    /* Explicit operands, plus the hidden memory operands of string
     * instructions (they have no visible ones). */
    int strings = row->cls >= HX_MOVS && row->cls <= HX_SCAS;
    int hidden_mem = -1;
    for (unsigned i = 0; i < in.operand_count; i++) {
        const ZydisDecodedOperand *z = &zo[i];
        hx_op *d = &o[n];
        if (z->visibility == ZYDIS_OPERAND_VISIBILITY_HIDDEN &&
            !(strings && z->type == ZYDIS_OPERAND_TYPE_MEMORY)) {
            if (hidden_mem < 0 && zy_implicit_mem(z))
                hidden_mem = (int)i;
            continue;
        }
        if (z->encoding == ZYDIS_OPERAND_ENCODING_MASK) /* EVEX {k}: p.masked says it */
            continue;
        memset(d, 0, sizeof(*d));
        d->size = (uint16_t)(z->size / 8);
        if (z->type == ZYDIS_OPERAND_TYPE_REGISTER) {
            d->type = HX_T_REG;
            d->reg = zy_reg(z->reg.value);
            if (hx_is_vec(d->reg)) /* whole register, not Zydis's element view */
                d->size = (uint16_t)(ZydisRegisterGetWidth(zy_mode[mode], z->reg.value) / 8);
        } else if (z->type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
            d->type = HX_T_IMM;
            d->imm = z->imm.value.s;
        } else if (z->type == ZYDIS_OPERAND_TYPE_MEMORY) {
            /* AGEN (LEA), MIB (MPX): address only, no access */
            if (z->mem.type != ZYDIS_MEMOP_TYPE_MEM && z->mem.type != ZYDIS_MEMOP_TYPE_VSIB)
                continue;
            zy_mem(&in, z, d);
            if (mi == ~0u)
                mi = n;
        } else {
            continue;
        }
        n++;
    }
    if (mi == ~0u && hidden_mem >= 0) { /* XLAT, INS/OUTS, MASKMOVQ/MASKMOVDQU */
        memset(&o[n], 0, sizeof(o[n]));
        zy_mem(&in, &zo[hidden_mem], &o[n]);
        mi = n++;
    }
    if (mi == ~0u || row->cls == HX_NOMEM)
        return MMIOEMU_ERR_NO_MEMORY_OPERAND;
    if (in.attributes & ZYDIS_ATTRIB_HAS_SEGMENT)
        out->flags |= MMIOEMU_F_SEG_OVR;
    p.lock = !!(in.attributes & ZYDIS_ATTRIB_HAS_LOCK);
    p.rep = !!(in.attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE));
    p.repne = !!(in.attributes & ZYDIS_ATTRIB_HAS_REPNE);
    p.vex = !!(in.attributes & (ZYDIS_ATTRIB_HAS_VEX | ZYDIS_ATTRIB_HAS_XOP));
    p.evex = !!(in.attributes & ZYDIS_ATTRIB_HAS_EVEX);
    p.masked =
        p.evex && in.avx.mask.reg != ZYDIS_REGISTER_NONE && in.avx.mask.reg != ZYDIS_REGISTER_K0;
    return hx_fill(row, o, n, mi, &p, out);
}

int zydis_backend_format(mmioemu_mode mode, const uint8_t *code, size_t len, char *buf, size_t n)
{
    ZydisDecodedInstruction in;
    ZydisDecodedOperand zo[ZYDIS_MAX_OPERAND_COUNT];
    ZydisFormatter f;
    ZyanStatus st;

    if (n == 0 || !zy_decode(mode, code, len, &in, zo, &st) || !ZYAN_SUCCESS(st))
        return -1;
    ZydisFormatterInit(&f, ZYDIS_FORMATTER_STYLE_INTEL);
    if (!ZYAN_SUCCESS(ZydisFormatterFormatInstruction(&f, &in, zo, in.operand_count_visible, buf, n,
                                                      ZYDIS_RUNTIME_ADDRESS_NONE, NULL)))
        return -1;
    return (int)strlen(buf);
}
