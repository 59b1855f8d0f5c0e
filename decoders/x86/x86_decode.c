/* PLACEHOLDER: replaced by the native x86 decoder (issue 3). */
#include "x86_decode.h"

mmioemu_status x86_decode(mmioemu_mode mode, const uint8_t *code, size_t len, mmioemu_insn *out)
{
    (void)mode; (void)code; (void)len; (void)out;
    return MMIOEMU_ERR_UNSUPPORTED;
}
