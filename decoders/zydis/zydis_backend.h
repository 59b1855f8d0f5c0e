/* Zydis 4 adapter: fills mmioemu_insn from Zydis's decoded operands
 * (internal; hosted builds only). */
#ifndef MMIOEMU_ZYDIS_BACKEND_H
#define MMIOEMU_ZYDIS_BACKEND_H

#include <mmioemu/insn.h>

mmioemu_status zydis_backend_decode(mmioemu_mode mode, const uint8_t *code, size_t len,
                                    mmioemu_insn *out);

/* Zydis's Intel-syntax rendering of the instruction at code[0..len), for the
 * CLI when the native decoder has no name for a form. RIP-relative operands
 * print as [rip+disp]. Returns the length written, or -1. */
int zydis_backend_format(mmioemu_mode mode, const uint8_t *code, size_t len, char *buf, size_t n);

#endif
