/* Human-readable rendering of a decoded instruction for the CLI:
 * "mov ch, byte ptr [rsi]" / "ldp x0, x1, [x2]". Hosted code (tools/ only). */
#ifndef MMIOEMU_CLI_FMT_H
#define MMIOEMU_CLI_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <mmioemu/mmioemu.h>

/* Writes the mnemonic and operands of `in` (decoded from `code[0..in->length)`)
 * into buf (NUL-terminated, truncated to n). Returns the length written. */
int cli_format_x86(char *buf, size_t n, const mmioemu_insn *in, const uint8_t *code);
/* Same for one arm64 instruction word. */
int cli_format_arm64(char *buf, size_t n, const mmioemu_insn *in, uint32_t word);

#endif
