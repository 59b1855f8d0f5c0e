/* Capstone 4 adapter: x86 and arm64 (internal; hosted builds only). */
#ifndef MMIOEMU_CAPSTONE_BACKEND_H
#define MMIOEMU_CAPSTONE_BACKEND_H

#include <mmioemu/insn.h>

mmioemu_status capstone_backend_decode(mmioemu_mode mode, const uint8_t *code, size_t len,
                                       mmioemu_insn *out);

#endif
