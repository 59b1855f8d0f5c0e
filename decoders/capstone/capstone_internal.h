/* Capstone adapter internals shared between capstone_backend.c (dispatch),
 * capstone_x86.c (x86) and capstone_arm64.c (AArch64). Hosted builds only,
 * never the core. */
#ifndef MMIOEMU_CAPSTONE_INTERNAL_H
#define MMIOEMU_CAPSTONE_INTERNAL_H

#include <mmioemu/insn.h>

/* Decodes the little-endian 32-bit AArch64 word at code[0..3] with Capstone 4
 * (detail on) into the descriptor, per the insn.h contract. */
mmioemu_status capstone_arm64_decode(const uint8_t *code, size_t len, mmioemu_insn *out);

/* Decodes one x86 instruction (mode MMIOEMU_X86_16/32/64) with Capstone 4,
 * detail on, per the insn.h contract. */
mmioemu_status capstone_x86_decode(mmioemu_mode mode, const uint8_t *code, size_t len,
                                   mmioemu_insn *out);

#endif
