/* PLACEHOLDER: replaced by the native arm64 decoder (issue 5). */
#include "a64_decode.h"

mmioemu_status a64_decode(const uint8_t *code, size_t len, mmioemu_insn *out)
{
    (void)code; (void)len; (void)out;
    return MMIOEMU_ERR_UNSUPPORTED;
}
