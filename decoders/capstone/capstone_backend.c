/* PLACEHOLDER: replaced by the capstone adapter. */
#include "capstone_backend.h"

mmioemu_status capstone_backend_decode(mmioemu_mode mode, const uint8_t *code, size_t len,
                                   mmioemu_insn *out)
{
    (void)mode; (void)code; (void)len; (void)out;
    return MMIOEMU_ERR_UNSUPPORTED;
}
