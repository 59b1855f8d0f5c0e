/* Zydis 4 as the x86 decoder oracle, shared by test_x86_decode_zydis.c and
 * test_x86_decode_sweep.c: a decoder in the mode of an mmioemu_mode, and the
 * one Zydis defect both exclude. Include only under MMIOEMU_HAVE_ZYDIS. */
#ifndef MMIOEMU_TESTS_X86DEC_ZYDIS_H
#define MMIOEMU_TESTS_X86DEC_ZYDIS_H

#include <Zydis/Zydis.h>
#include <mmioemu/mmioemu.h>
#include <stdbool.h>

static inline void x86dec_zydis_init(ZydisDecoder *d, mmioemu_mode mode)
{
    static const ZydisMachineMode zm[3] = {
        ZYDIS_MACHINE_MODE_LEGACY_16, ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_MACHINE_MODE_LONG_64};
    static const ZydisStackWidth sw[3] = {ZYDIS_STACK_WIDTH_16, ZYDIS_STACK_WIDTH_32,
                                          ZYDIS_STACK_WIDTH_64};
    ZydisDecoderInit(d, zm[mode], sw[mode]);
}

/* known-backend-bugs.md ZYDIS-KNC: Knights Corner instructions (several of
 * them VEX-encoded mask operations) decoded outside KNC mode. */
static inline bool x86dec_zydis_knc(const ZydisDecodedInstruction *z)
{
    switch (z->meta.isa_set) {
    case ZYDIS_ISA_SET_KNCE:
    case ZYDIS_ISA_SET_KNCJKBR:
    case ZYDIS_ISA_SET_KNCSTREAM:
    case ZYDIS_ISA_SET_KNCV:
    case ZYDIS_ISA_SET_KNC_MISC:
    case ZYDIS_ISA_SET_KNC_PF_HINT: return true;
    default: return false;
    }
}

#endif
