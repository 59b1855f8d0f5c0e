/* Test helpers for the native x86 decoder tests (see x86dec_util.h). */
#include "x86dec_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int x86dec_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (*hex) {
        if (*hex == ' ') {
            hex++;
            continue;
        }
        int hi = hexval(hex[0]), lo = hex[1] ? hexval(hex[1]) : -1;
        if (hi < 0 || lo < 0 || n >= cap)
            return -1;
        out[n++] = (uint8_t)(hi << 4 | lo);
        hex += 2;
    }
    return (int)n;
}

mmioemu_status x86dec_decode(mmioemu_mode mode, const char *hex, mmioemu_insn *out)
{
    uint8_t buf[32];
    int n = x86dec_hex(hex, buf, sizeof buf);
    memset(out, 0xa5, sizeof *out);
    if (n < 0)
        return MMIOEMU_ERR_ARG;
    return mmioemu_decode(MMIOEMU_BACKEND_NATIVE, mode, buf, (size_t)n, out);
}
