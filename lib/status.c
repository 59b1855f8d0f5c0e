/* Status, kind, op and extension names, and the version string.
 * Tables are static const, indexed by the enum value; no libc. */
#include <mmioemu/mmioemu.h>

#include "bug.h"

static const char *const status_str[MMIOEMU_STATUS_COUNT_] = {
    [MMIOEMU_OK] = "MMIOEMU_OK",
    [MMIOEMU_ERR_TRUNCATED] = "MMIOEMU_ERR_TRUNCATED",
    [MMIOEMU_ERR_INVALID] = "MMIOEMU_ERR_INVALID",
    [MMIOEMU_ERR_UNSUPPORTED] = "MMIOEMU_ERR_UNSUPPORTED",
    [MMIOEMU_ERR_NO_MEMORY_OPERAND] = "MMIOEMU_ERR_NO_MEMORY_OPERAND",
    [MMIOEMU_ERR_ADDRESS_MISMATCH] = "MMIOEMU_ERR_ADDRESS_MISMATCH",
    [MMIOEMU_ERR_SPLIT] = "MMIOEMU_ERR_SPLIT",
    [MMIOEMU_ERR_DENIED] = "MMIOEMU_ERR_DENIED",
    [MMIOEMU_ERR_CALLBACK] = "MMIOEMU_ERR_CALLBACK",
    [MMIOEMU_ERR_RETRY] = "MMIOEMU_ERR_RETRY",
    [MMIOEMU_ERR_EXCEPTION] = "MMIOEMU_ERR_EXCEPTION",
    [MMIOEMU_ERR_ARG] = "MMIOEMU_ERR_ARG",
    [MMIOEMU_ERR_FULL] = "MMIOEMU_ERR_FULL",
};

static const char *const status_name[MMIOEMU_STATUS_COUNT_] = {
    [MMIOEMU_OK] = "ok",
    [MMIOEMU_ERR_TRUNCATED] = "truncated",
    [MMIOEMU_ERR_INVALID] = "invalid",
    [MMIOEMU_ERR_UNSUPPORTED] = "unsupported",
    [MMIOEMU_ERR_NO_MEMORY_OPERAND] = "no_memory_operand",
    [MMIOEMU_ERR_ADDRESS_MISMATCH] = "address_mismatch",
    [MMIOEMU_ERR_SPLIT] = "split",
    [MMIOEMU_ERR_DENIED] = "denied",
    [MMIOEMU_ERR_CALLBACK] = "callback",
    [MMIOEMU_ERR_RETRY] = "retry",
    [MMIOEMU_ERR_EXCEPTION] = "exception",
    [MMIOEMU_ERR_ARG] = "arg",
    [MMIOEMU_ERR_FULL] = "full",
};

const char *mmioemu_status_str(mmioemu_status s)
{
    if ((unsigned)s >= MMIOEMU_STATUS_COUNT_)
        return "MMIOEMU_ERR_<unknown>";
    return status_str[s];
}

const char *mmioemu_status_name(mmioemu_status s)
{
    if ((unsigned)s >= MMIOEMU_STATUS_COUNT_)
        return "unknown";
    return status_name[s];
}

static const char *const kind_name[MMIOEMU_KIND_COUNT_] = {
    [MMIOEMU_KIND_NONE] = "none",
    [MMIOEMU_KIND_READ] = "read",
    [MMIOEMU_KIND_WRITE] = "write",
    [MMIOEMU_KIND_WRITE_IMM] = "write_imm",
    [MMIOEMU_KIND_LOAD_PAIR] = "load_pair",
    [MMIOEMU_KIND_STORE_PAIR] = "store_pair",
    [MMIOEMU_KIND_MOVS] = "movs",
    [MMIOEMU_KIND_STOS] = "stos",
    [MMIOEMU_KIND_LODS] = "lods",
    [MMIOEMU_KIND_CMPS] = "cmps",
    [MMIOEMU_KIND_SCAS] = "scas",
    [MMIOEMU_KIND_ALU_RMW] = "alu_rmw",
    [MMIOEMU_KIND_ALU_READ] = "alu_read",
    [MMIOEMU_KIND_CMP] = "cmp",
    [MMIOEMU_KIND_XCHG] = "xchg",
    [MMIOEMU_KIND_CMPXCHG] = "cmpxchg",
    [MMIOEMU_KIND_CMPXCHG_WIDE] = "cmpxchg_wide",
    [MMIOEMU_KIND_XADD] = "xadd",
    [MMIOEMU_KIND_BT] = "bt",
    [MMIOEMU_KIND_MOVDIR64B] = "movdir64b",
    [MMIOEMU_KIND_FLUSH] = "flush",
    [MMIOEMU_KIND_OTHER] = "other",
    [MMIOEMU_KIND_ATOMIC] = "atomic",
};

const char *mmioemu_kind_name(mmioemu_kind k)
{
    return (unsigned)k < MMIOEMU_KIND_COUNT_ ? kind_name[k] : "unknown";
}

static const char *const op_name[] = {
    "add", "or", "adc", "sbb", "and", "sub",  "xor",  "cmp",  "test", "inc",  "dec", "not",
    "neg", "bt", "bts", "btr", "btc", "andn", "smax", "smin", "umax", "umin", "swp", "cas",
};

const char *mmioemu_op_name(mmioemu_op op)
{
    return (unsigned)op < MMIOEMU_ARRAY_SIZE(op_name) ? op_name[op] : "none";
}

const char *mmioemu_ext_name(mmioemu_ext e)
{
    static const char *const names[] = {"none", "zero", "sign", "merge"};
    return (unsigned)e < MMIOEMU_ARRAY_SIZE(names) ? names[e] : "unknown";
}

const char *mmioemu_version(void)
{
    return MMIOEMU_VERSION_STRING;
}
