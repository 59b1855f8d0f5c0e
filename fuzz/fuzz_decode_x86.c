/* libFuzzer: the native x86 decoder on arbitrary bytes in all three modes.
 * Invariants from include/mmioemu/insn.h: never read past len (ASan: the
 * input is an exact-size heap buffer), lengths within 1..15 and <= len on
 * success, TRUNCATED asks for more than it was given, fields in range. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmioemu/mmioemu.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant: on failure name it, then crash so libFuzzer keeps the input. */
#define check(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_insn(const mmioemu_insn *in, size_t len)
{
    check(in->length >= 1 && in->length <= 15 && in->length <= len);
    check(in->kind < MMIOEMU_KIND_COUNT_);
    /* OTHER / FLUSH: .size and .mem only "when known". */
    if (in->kind == MMIOEMU_KIND_NONE || in->kind == MMIOEMU_KIND_OTHER ||
        in->kind == MMIOEMU_KIND_FLUSH)
        return;
    check(in->size >= 1 && in->size <= 64);
    check(in->mem.addr_size == 2 || in->mem.addr_size == 4 || in->mem.addr_size == 8);
    check(in->mem.shift <= 3);
    check(in->mem.seg <= MMIOEMU_SEG_GS);
    check(in->ext <= MMIOEMU_EXT_MERGE);
    check(mmioemu_reg_name(MMIOEMU_X86_64, in->reg, in->size) != NULL);
    check(mmioemu_kind_name((mmioemu_kind)in->kind) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    mmioemu_mode mode = (mmioemu_mode)(data[0] % 3);
    size_t len = size - 1;
    /* Exact-size copy: any read at or after code+len is a heap overflow. */
    uint8_t *code = malloc(len ? len : 1);
    mmioemu_insn in;
    if (!code)
        return 0;
    memcpy(code, data + 1, len);
    mmioemu_status s = mmioemu_decode(MMIOEMU_BACKEND_NATIVE, mode, code, len, &in);
    switch (s) {
    case MMIOEMU_OK:
        check(in.kind != MMIOEMU_KIND_NONE);
        check_insn(&in, len);
        break;
    case MMIOEMU_ERR_NO_MEMORY_OPERAND:
        check(in.length >= 1 && in.length <= 15 && in.length <= len);
        break;
    case MMIOEMU_ERR_TRUNCATED: check(in.length > len && in.length <= 15); break;
    case MMIOEMU_ERR_INVALID:
    case MMIOEMU_ERR_UNSUPPORTED: break;
    case MMIOEMU_ERR_ARG:
        check(len == 0); /* NULL-free input: only an empty buffer may be refused */
        break;
    default: check(0);
    }
    free(code);
    return 0;
}
