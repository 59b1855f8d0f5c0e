/* Test helpers for the native x86 decoder tests: hex parsing and a decode
 * wrapper that poisons the descriptor first, so a test sees stale bytes if
 * the decoder forgot a field it must write. */
#ifndef MMIOEMU_TESTS_X86DEC_UTIL_H
#define MMIOEMU_TESTS_X86DEC_UTIL_H

#include <mmioemu/mmioemu.h>

/* "8a 2e" or "8a2e" -> bytes; returns the count (<= cap), -1 on bad input. */
int x86dec_hex(const char *hex, uint8_t *out, size_t cap);

/* Decode `hex` natively in `mode` into *out (poisoned with 0xa5 first). */
mmioemu_status x86dec_decode(mmioemu_mode mode, const char *hex, mmioemu_insn *out);

#endif
