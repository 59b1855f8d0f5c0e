/* Zydis 4 adapter: fills mmioemu_insn from Zydis's decoded operands
 * (internal; hosted builds only). */
#ifndef MMIOEMU_ZYDIS_BACKEND_H
#define MMIOEMU_ZYDIS_BACKEND_H

#include <mmioemu/insn.h>

mmioemu_status zydis_backend_decode(mmioemu_mode mode, const uint8_t *code, size_t len,
                                    mmioemu_insn *out);

#endif
