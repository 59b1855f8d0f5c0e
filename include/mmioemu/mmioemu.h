/* mmioemu: decode and emulate the instructions that trap on MMIO.
 *
 * The one header to include. Everything is caller-owned; no function
 * allocates, blocks or keeps state between calls. See docs/api.md.
 */
#ifndef MMIOEMU_H
#define MMIOEMU_H

#include "status.h"
#include "insn.h"
#include "cpu.h"
#include "region.h"
#include "emulate.h"

#define MMIOEMU_VERSION_MAJOR 0
#define MMIOEMU_VERSION_MINOR 1
#define MMIOEMU_VERSION_PATCH 0
#define MMIOEMU_VERSION_STRING "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version string ("0.1.0"), for checking the header against
 * the linked library. */
const char *mmioemu_version(void);

#ifdef __cplusplus
}
#endif

#endif
