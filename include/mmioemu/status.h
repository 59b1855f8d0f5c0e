/* mmioemu: status codes shared by every public function.
 *
 * One status type everywhere (no errno, no abort). Results travel through
 * out-pointers; a function that returns anything but MMIOEMU_OK has left every
 * caller-owned object it was given in the state the contract of that function
 * describes (for the emulator: exactly as before the call).
 */
#ifndef MMIOEMU_STATUS_H
#define MMIOEMU_STATUS_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mmioemu_status {
    MMIOEMU_OK = 0,
    /* The instruction bytes end before the instruction does. The decoder sets
     * `mmioemu_insn.length` to the smallest total length it knows is needed
     * (always > the length given). Nothing else in the descriptor is valid. */
    MMIOEMU_ERR_TRUNCATED,
    /* Not a valid encoding for this mode (x86: the CPU raises #UD, including
     * LOCK on a non-lockable form; arm64: unallocated or reserved): the
     * caller injects #UD / UNDEFINED. Also returned for an x86 instruction
     * longer than 15 bytes, for which the CPU raises #GP(0) before any data
     * access (SDM Vol. 2A 2.3.11): such bytes cannot be what faulted, so a
     * caller should treat it as "not the faulting instruction" and refuse. */
    MMIOEMU_ERR_INVALID,
    /* A valid instruction that touches memory, but the emulator (or the
     * chosen backend) does not handle it. Nothing was accessed. */
    MMIOEMU_ERR_UNSUPPORTED,
    /* A valid instruction with no memory operand: it cannot have caused a
     * data fault. */
    MMIOEMU_ERR_NO_MEMORY_OPERAND,
    /* The operand's address does not match the fault address the caller
     * reported: the instruction is not the one that faulted (CVE-2024-25742).
     * Nothing was accessed. */
    MMIOEMU_ERR_ADDRESS_MISMATCH,
    /* The access crosses a page boundary and the policy refuses splits. */
    MMIOEMU_ERR_SPLIT,
    /* The policy refused: address outside every registered region, a region
     * attribute forbids the direction, user mode not allowed, or a piece
     * needs a translation the caller did not provide. */
    MMIOEMU_ERR_DENIED,
    /* A caller callback returned non-zero. vCPU state untouched (string
     * instructions: consistent with the iterations completed before it). */
    MMIOEMU_ERR_CALLBACK,
    /* A string instruction used its iteration budget. RSI/RDI/RCX (or the
     * arm64 equivalent) are updated and consistent, the IP is not advanced:
     * re-enter the guest, which re-executes the instruction. */
    MMIOEMU_ERR_RETRY,
    /* The CPU itself would raise an exception (#GP for a misaligned MOVAPS or
     * a non-canonical address, #SS/#GP for a segment limit, ...). The vector
     * and error code are in `mmioemu_result`; the caller injects it. */
    MMIOEMU_ERR_EXCEPTION,
    /* Bad argument: NULL pointer, unknown mode/backend, mode mismatch between
     * descriptor and CPU state, capacity of 0, ... */
    MMIOEMU_ERR_ARG,
    /* A region table operation found no room, or overlapping regions. */
    MMIOEMU_ERR_FULL,
    MMIOEMU_STATUS_COUNT_
} mmioemu_status;

/* A static, human-readable name such as "MMIOEMU_ERR_SPLIT". Never NULL:
 * unknown values give "MMIOEMU_ERR_<unknown>". */
const char *mmioemu_status_str(mmioemu_status s);

/* Short lower-case name without prefix ("ok", "split", "unsupported"), as
 * the CLI prints it. Never NULL. */
const char *mmioemu_status_name(mmioemu_status s);

#ifdef __cplusplus
}
#endif

#endif
