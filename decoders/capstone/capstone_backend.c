/* Capstone 4 backend: dispatches mmioemu_decode(MMIOEMU_BACKEND_CAPSTONE, ...)
 * to the per-architecture adapters (capstone_x86.c, capstone_arm64.c). */
#include "capstone_backend.h"
#include "capstone_internal.h"

mmioemu_status capstone_backend_decode(mmioemu_mode mode, const uint8_t *code, size_t len,
                                       mmioemu_insn *out)
{
    if (mode == MMIOEMU_ARM64)
        return capstone_arm64_decode(code, len, out);
    return capstone_x86_decode(mode, code, len, out);
}
