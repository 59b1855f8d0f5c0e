/* Native x86 decoder entry point (internal). */
#ifndef MMIOEMU_X86_DECODE_H
#define MMIOEMU_X86_DECODE_H

#include <mmioemu/insn.h>

/* mode is MMIOEMU_X86_16/32/64; arguments already checked by the caller. */
mmioemu_status x86_decode(mmioemu_mode mode, const uint8_t *code, size_t len, mmioemu_insn *out);

/* Mnemonic of the native form `id` (mmioemu_insn.id); "?" when out of range. */
const char *x86_form_mnemonic(uint16_t id);

#endif
