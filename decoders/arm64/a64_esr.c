/* arm64 data-abort syndrome fast path: ESR_ELx (EC 0x24/0x25) with ISV=1
 * describes the access completely, so no instruction fetch is needed.
 * Field layout: Arm ARM (DDI 0487) chapter D19 "AArch64 System Register
 * Descriptions", ESR_EL1/ESR_EL2, "ISS encoding for an exception from a Data
 * Abort". FnV, EA, VNCR, SET and DFSC do not matter here. Pure. */
#include "a64_decode.h"

#define ESR_EC_SHIFT 26
#define ESR_EC_DABT_LOW 0x24u /* Data Abort from a lower Exception level */
#define ESR_EC_DABT_CUR 0x25u /* Data Abort taken without a change in EL */
#define ESR_IL (1ull << 25)   /* 1: 32-bit instruction */
#define ESR_ISV (1ull << 24)  /* bits 23:14 hold a valid syndrome */
#define ESR_SAS_SHIFT 22      /* access size: 1 << SAS bytes */
#define ESR_SSE (1ull << 21)  /* sign-extend the loaded value */
#define ESR_SRT_SHIFT 16      /* Xt/Wt; 31 is XZR/WZR for this syndrome */
#define ESR_SF (1ull << 15)   /* register is 64-bit */
#define ESR_AR (1ull << 14)   /* acquire/release semantics */
#define ESR_CM (1ull << 8)    /* cache maintenance / address translation instruction */
#define ESR_S1PTW (1ull << 7) /* fault on a stage 1 translation table walk */
#define ESR_WNR (1ull << 6)   /* write, not read */

mmioemu_status mmioemu_decode_arm64_esr(uint64_t esr, mmioemu_insn *out)
{
    if (!out)
        return MMIOEMU_ERR_ARG;
    unsigned ec = (unsigned)(esr >> ESR_EC_SHIFT) & 0x3f;
    if (ec != ESR_EC_DABT_LOW && ec != ESR_EC_DABT_CUR)
        return MMIOEMU_ERR_ARG;
    /* A stage-1 walk touched the MMIO page as a translation table: not a
     * device access of the instruction (KVM refuses it the same way). */
    if (esr & ESR_S1PTW)
        return MMIOEMU_ERR_DENIED;
    out->mode = MMIOEMU_ARM64;
    /* IL = 0 only for a 16-bit T32 instruction (AArch32): advance by 2. */
    out->length = (esr & ESR_IL) ? 4 : 2;
    out->id = A64_FORM_ID_ESR;
    out->op = MMIOEMU_OP_NONE;
    out->flags = 0;
    out->reg2 = MMIOEMU_REG_NONE;
    out->mem.disp = 0;
    out->mem.base = MMIOEMU_REG_NONE; /* the address is the fault address */
    out->mem.index = MMIOEMU_REG_NONE;
    out->mem.shift = 0;
    out->mem.seg = MMIOEMU_SEG_NONE;
    out->mem.addr_size = 8;
    out->mem.index_ext = MMIOEMU_IDX_LSL;
    out->mem.reserved[0] = out->mem.reserved[1] = 0;
    if (esr & ESR_CM) {
        /* DC/IC by VA on the page: no data moves (KVM skips the instruction). */
        out->kind = MMIOEMU_KIND_FLUSH;
        out->size = 0;
        out->dst_size = 0;
        out->ext = MMIOEMU_EXT_NONE;
        out->reg = MMIOEMU_REG_NONE;
        return MMIOEMU_OK;
    }
    if (!(esr & ESR_ISV)) {
        out->kind = MMIOEMU_KIND_NONE;
        return MMIOEMU_ERR_UNSUPPORTED; /* fetch and decode the instruction */
    }
    unsigned size = 1u << ((esr >> ESR_SAS_SHIFT) & 3);
    unsigned srt = (unsigned)(esr >> ESR_SRT_SHIFT) & 31;
    out->size = (uint16_t)size;
    out->reg = (uint8_t)(srt == 31 ? MMIOEMU_REG_ZR : srt);
    if (esr & ESR_WNR) {
        out->kind = MMIOEMU_KIND_WRITE;
        out->dst_size = (uint8_t)size;
        out->ext = MMIOEMU_EXT_NONE;
        out->flags = (esr & ESR_AR) ? MMIOEMU_F_RELEASE : 0;
        return MMIOEMU_OK;
    }
    out->kind = MMIOEMU_KIND_READ;
    out->dst_size = (esr & ESR_SF) ? 8 : 4;
    out->ext = (esr & ESR_SSE) ? MMIOEMU_EXT_SIGN : MMIOEMU_EXT_ZERO;
    out->flags = (esr & ESR_AR) ? MMIOEMU_F_ACQUIRE : 0;
    /* An 8-byte load into a W register cannot be reported by a real CPU. */
    if (size > out->dst_size)
        return MMIOEMU_ERR_ARG;
    return MMIOEMU_OK;
}
