/* Backend dispatch for mmioemu_decode(). The native decoders are always
 * linked; Zydis and Capstone adapters only in hosted builds that found them
 * (MMIOEMU_HAVE_ZYDIS / MMIOEMU_HAVE_CAPSTONE), never in the freestanding core. */
#include <mmioemu/mmioemu.h>

#include "../decoders/arm64/a64_fast.h"
#include "../decoders/x86/x86_decode.h"
#ifdef MMIOEMU_HAVE_ZYDIS
#include "../decoders/zydis/zydis_backend.h"
#endif
#ifdef MMIOEMU_HAVE_CAPSTONE
#include "../decoders/capstone/capstone_backend.h"
#endif

mmioemu_status mmioemu_decode(mmioemu_backend backend, mmioemu_mode mode, const uint8_t *code,
                              size_t len, mmioemu_insn *out)
{
    /* The native x86 path first and with the fewest tests: it is the hot one
     * (a #VE/#VC handler decodes on every trap), and each test here is paid
     * per instruction. `code` may be NULL only with len 0. */
    if (!out || (!code && len))
        return MMIOEMU_ERR_ARG;
    if (backend == MMIOEMU_BACKEND_NATIVE) {
        if ((unsigned)mode < MMIOEMU_ARM64)
            return x86_decode(mode, code, len, out);
        /* arm64: the decoder's hot path inline (a64_fast.h), one call level. */
        return mode == MMIOEMU_ARM64 ? a64_decode_fast(code, len, out) : MMIOEMU_ERR_ARG;
    }
    if ((unsigned)mode >= MMIOEMU_MODE_COUNT_)
        return MMIOEMU_ERR_ARG;
    switch (backend) {
    case MMIOEMU_BACKEND_ZYDIS:
#ifdef MMIOEMU_HAVE_ZYDIS
        return mode == MMIOEMU_ARM64 ? MMIOEMU_ERR_UNSUPPORTED
                                     : zydis_backend_decode(mode, code, len, out);
#else
        return MMIOEMU_ERR_UNSUPPORTED;
#endif
    case MMIOEMU_BACKEND_CAPSTONE:
#ifdef MMIOEMU_HAVE_CAPSTONE
        return capstone_backend_decode(mode, code, len, out);
#else
        return MMIOEMU_ERR_UNSUPPORTED;
#endif
    default: return MMIOEMU_ERR_ARG;
    }
}
