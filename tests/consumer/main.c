/* A minimal consumer of an installed mmioemu (built by scripts/test-consumer.sh). */
#include <stdio.h>
#include <mmioemu/mmioemu.h>

int main(void)
{
    static const uint8_t mov[] = {0x8a, 0x2e}; /* mov ch, [rsi] */
    mmioemu_insn in;
    mmioemu_status n = mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_X86_64, mov, 2, &in);
    /* The Zydis path makes a static link need the backend libraries too. */
    mmioemu_status z = mmioemu_decode(MMIOEMU_BACKEND_ZYDIS, MMIOEMU_X86_64, mov, 2, &in);
    printf("mmioemu %s: native %s, zydis %s\n", mmioemu_version(), mmioemu_status_str(n),
           mmioemu_status_str(z));
    return n == MMIOEMU_ERR_ARG || z == MMIOEMU_ERR_ARG;
}
