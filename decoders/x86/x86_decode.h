/* Native x86 decoder entry point (internal). */
#ifndef MMIOEMU_X86_DECODE_H
#define MMIOEMU_X86_DECODE_H

#include <mmioemu/insn.h>

#include "x86_tables.gen.h"

/* Form flag bits that are copied to mmioemu_insn.flags as they are. */
#define X86_FF_COPY (X86_FF_IMM | X86_FF_MEMSRC | X86_FF_BSWAP | X86_FF_NT | X86_FF_AL | X86_FF_DIR)

/* mode is MMIOEMU_X86_16/32/64; arguments already checked by the caller. */
mmioemu_status x86_decode(mmioemu_mode mode, const uint8_t *code, size_t len, mmioemu_insn *out);

/* x86_decode() runs the decoder's stages as siblings, one after the other,
 * so their frames never stack up, not even in a static call graph
 * (docs/stack.md). A stage that cannot finish returns one of these (never
 * a public status) and leaves what the next stage needs in an x86_next:
 * the arguments too, so x86_decode() keeps nothing live across the first
 * stage (no saved registers on the hot path). */
/* The fast path reads up to 19 bytes ahead of the instruction's start
 * (prefixes, opcode, ModRM, SIB, then 4-byte loads of displacement and
 * immediate within the first 15) before it compares the length with len:
 * shorter inputs are copied into x86_next.pad first. */
#define X86_FAST_PAD 24                         /* a multiple of 8: x86_pad() zeroes it in words */
#define X86_TO_FAST_VEX ((mmioemu_status)0x100) /* C4/C5 fast path from nx */
#define X86_TO_GENERAL ((mmioemu_status)0x101)  /* decode from the start */
#define X86_TO_VEX ((mmioemu_status)0x102)      /* x86_decode_vex() from nx */
typedef struct x86_next {
    const uint8_t *code;
    size_t len;
    mmioemu_insn *out;
    size_t i;        /* index of the byte after C4/C5/62/8F */
    uint32_t packed; /* prefix state, as x86_decode_vex() / x86_fast_vex take it */
    mmioemu_mode mode;
    uint8_t pad[X86_FAST_PAD]; /* a short input, zero-filled (x86_decode()) */
} x86_next;

/* Every encoding, without the common-path shortcuts of x86_decode()
 * (x86_fast.c), which hands it whatever they do not finish. VEX/EVEX/XOP:
 * X86_TO_VEX with *nx set. */
mmioemu_status x86_decode_general(mmioemu_mode mode, const uint8_t *code, size_t len,
                                  mmioemu_insn *out, x86_next *nx);

/* VEX/EVEX/XOP from code[i] (the byte after C4/C5/62/8F), that byte and the
 * prefix state packed as: escape | REX << 8 | segment << 16 | 66 << 24 |
 * 67 << 25 | LOCK << 26 | rep (2 F3, 3 F2) << 27. */
mmioemu_status x86_decode_vex(mmioemu_mode mode, const uint8_t *code, size_t len, mmioemu_insn *out,
                              size_t i, uint32_t packed);

/* Mnemonic of the native form `id` (mmioemu_insn.id); "?" when out of range. */
const char *x86_form_mnemonic(uint16_t id);

#endif
