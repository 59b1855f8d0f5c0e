/* libFuzzer: the native arm64 decoder (instruction words) and the ESR
 * syndrome decoder. Invariants from include/mmioemu/insn.h: length 4 on
 * success, never a read past len, fields in range. */
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

static void check_insn(const mmioemu_insn *in)
{
    check(in->kind < MMIOEMU_KIND_COUNT_);
    if (in->kind == MMIOEMU_KIND_NONE || in->kind == MMIOEMU_KIND_OTHER ||
        in->kind == MMIOEMU_KIND_FLUSH)
        return;
    check(in->size >= 1 && in->size <= 64);
    check(in->ext <= MMIOEMU_EXT_MERGE);
    check(mmioemu_reg_name(MMIOEMU_ARM64, in->reg, in->size) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mmioemu_insn in;
    mmioemu_status s;
    uint8_t *code;

    /* Up to 8 bytes: an instruction word (maybe truncated) and an ESR. */
    if (size > 8)
        size = 8;
    code = malloc(size ? size : 1);
    if (!code)
        return 0;
    memcpy(code, data, size);
    s = mmioemu_decode(MMIOEMU_BACKEND_NATIVE, MMIOEMU_ARM64, code, size < 4 ? size : 4, &in);
    if (s == MMIOEMU_OK) {
        check(size >= 4 && in.length == 4);
        check_insn(&in);
    } else if (s == MMIOEMU_ERR_NO_MEMORY_OPERAND) {
        check(size >= 4 && in.length == 4);
    } else if (s == MMIOEMU_ERR_TRUNCATED) {
        check(size < 4 && in.length == 4);
    } else {
        check(s == MMIOEMU_ERR_INVALID || s == MMIOEMU_ERR_UNSUPPORTED ||
              (s == MMIOEMU_ERR_ARG && size == 0));
    }
    if (size == 8) {
        uint64_t esr = 0;
        for (int i = 7; i >= 0; i--)
            esr = esr << 8 | code[i];
        s = mmioemu_decode_arm64_esr(esr, &in);
        if (s == MMIOEMU_OK)
            check_insn(&in);
        else
            check(s == MMIOEMU_ERR_UNSUPPORTED || s == MMIOEMU_ERR_ARG || s == MMIOEMU_ERR_DENIED ||
                  s == MMIOEMU_ERR_INVALID);
    }
    free(code);
    return 0;
}
