/* Corpora for the x86 decoder benchmark and the backend agreement test:
 * a random stream of MMIO-form instructions built from SDM encoding
 * templates (not from any decoder), and the .text of a real ELF binary. */
#ifndef MMIOEMU_CORPUS_X86_H
#define MMIOEMU_CORPUS_X86_H

#include <stddef.h>
#include <stdint.h>

#include <mmioemu/insn.h>

typedef struct corpus_rng {
    uint64_t s;
} corpus_rng;

void corpus_seed(corpus_rng *r, uint64_t seed);
uint64_t corpus_next(corpus_rng *r);

/* Writes one random MMIO-form instruction for `mode` (x86 16/32/64) into
 * out[0..15) and returns its length (the generator's own count from the
 * template: prefixes + opcode + ModRM/SIB/disp + immediate). *tmpl gets the
 * template index (for tallies, corpus_x86_template_name). */
unsigned corpus_x86_one(corpus_rng *r, mmioemu_mode mode, uint8_t out[15], unsigned *tmpl);
unsigned corpus_x86_template_count(void);
const char *corpus_x86_template_name(unsigned t);

/* Fills buf with `count` back-to-back instructions; returns the bytes used
 * (stops early when cap would overflow). offsets (optional) gets each start. */
size_t corpus_x86_stream(uint64_t seed, mmioemu_mode mode, uint8_t *buf, size_t cap, size_t count,
                         uint32_t *offsets);

/* Reads the .text section of an ELF64 (little-endian) file into a malloc'd
 * buffer. Returns NULL (and *n = 0) on any error. Caller frees. */
uint8_t *corpus_elf_text(const char *path, size_t *n);

#endif
