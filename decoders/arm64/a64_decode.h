/* Native arm64 load/store decoder entry points (internal to the core; the
 * public door is mmioemu_decode(..., MMIOEMU_ARM64, ...)). */
#ifndef MMIOEMU_A64_DECODE_H
#define MMIOEMU_A64_DECODE_H

#include <mmioemu/insn.h>

/* Form id of descriptors made by mmioemu_decode_arm64_esr() (no form row). */
#define A64_FORM_ID_ESR 0xffffu

/* Decodes the little-endian 32-bit instruction word at code[0..3]
 * (A64 instructions are always little-endian, Arm ARM B2.6.2). */
mmioemu_status a64_decode(const uint8_t *code, size_t len, mmioemu_insn *out);

/* Same for a word already in host order. */
mmioemu_status a64_decode_word(uint32_t word, mmioemu_insn *out);

#endif
