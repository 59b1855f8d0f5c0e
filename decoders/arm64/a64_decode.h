/* Native arm64 load/store decoder entry point (internal). */
#ifndef MMIOEMU_A64_DECODE_H
#define MMIOEMU_A64_DECODE_H

#include <mmioemu/insn.h>

/* Decodes the little-endian 32-bit instruction word at code[0..3]. */
mmioemu_status a64_decode(const uint8_t *code, size_t len, mmioemu_insn *out);

#endif
