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

static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

uint8_t *x86dec_elf_section(const char *path, const char *name, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *img = NULL, *res = NULL;
    long len = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (len < 64 || fseek(f, 0, SEEK_SET) != 0)
        goto out;
    img = malloc((size_t)len);
    if (!img || fread(img, 1, (size_t)len, f) != (size_t)len)
        goto out;
    /* ELF64 little-endian only (ELF spec: e_ident[EI_CLASS]=2, EI_DATA=1). */
    if (memcmp(img, "\177ELF", 4) || img[4] != 2 || img[5] != 1)
        goto out;
    uint64_t shoff = le(img + 0x28, 8);
    unsigned shentsize = (unsigned)le(img + 0x3a, 2), shnum = (unsigned)le(img + 0x3c, 2);
    unsigned shstrndx = (unsigned)le(img + 0x3e, 2);
    if (shentsize < 64 || shoff + (uint64_t)shnum * shentsize > (uint64_t)len || shstrndx >= shnum)
        goto out;
    const uint8_t *strsh = img + shoff + (uint64_t)shstrndx * shentsize;
    uint64_t stroff = le(strsh + 0x18, 8), strsize = le(strsh + 0x20, 8);
    for (unsigned i = 0; i < shnum; i++) {
        const uint8_t *sh = img + shoff + (uint64_t)i * shentsize;
        uint64_t nm = le(sh, 4), off = le(sh + 0x18, 8), sz = le(sh + 0x20, 8);
        if (nm >= strsize || stroff + strsize > (uint64_t)len)
            continue;
        const char *s = (const char *)img + stroff + nm;
        if (strncmp(s, name, (size_t)(strsize - nm)) || off + sz > (uint64_t)len)
            continue;
        res = malloc(sz ? sz : 1);
        if (res) {
            memcpy(res, img + off, sz);
            *size = sz;
        }
        break;
    }
out:
    free(img);
    fclose(f);
    return res;
}
