/* PLACEHOLDER: replaced by the arm64 engineer's formatter (tools/cli/fmt_arm64.c). */
#include <stdio.h>

#include "fmt.h"

int cli_format_arm64(char *buf, size_t n, const mmioemu_insn *in, uint32_t word)
{
    (void)in;
    (void)word;
    return n ? snprintf(buf, n, "(arm64)") : 0;
}
