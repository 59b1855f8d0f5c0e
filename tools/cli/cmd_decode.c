/* `mmioemu decode`: decode x86 / arm64 instructions (or an arm64 ESR
 * syndrome) with any backend and print one line per instruction, human
 * readable or JSON. Input: one instruction per argument, per line of --file /
 * stdin, or a raw binary stream (--raw). Hosted code. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmioemu/mmioemu.h>

#include "cli.h"
#include "fmt.h"

struct opts {
    mmioemu_mode mode;
    mmioemu_backend backend;
    int json, raw;
    const char *file;
    int errors; /* instructions that decoded to an error status */
};

static const char *const mode_names[] = {"x86-16", "x86-32", "x86-64", "arm64"};
static const char *const backend_names[] = {"native", "zydis", "capstone"};

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: mmioemu decode [--mode x86-16|x86-32|x86-64|arm64]\n"
        "                      [--backend native|zydis|capstone] [--json]\n"
        "                      [--file F | --raw [--file F]] [--esr VALUE]... [HEX...]\n\n"
        "Decodes each instruction into its MMIO access descriptor.\n"
        "  HEX        one instruction per argument: x86 bytes as '8a2e' or '8a 2e';\n"
        "             arm64 a 32-bit word as 'a9400440' (or 4 bytes in memory order,\n"
        "             space separated: '40 04 40 a9')\n"
        "  (no HEX)   one instruction per line from --file F or stdin ('#' starts a comment)\n"
        "  --raw      a binary stream from --file F or stdin, decoded sequentially; on an\n"
        "             error x86 skips 1 byte, arm64 one 4-byte word (little-endian)\n"
        "  --esr V    decode an arm64 data-abort syndrome (ESR_ELx), e.g. 0x93c08006\n"
        "  --json     one JSON object per line: bytes, length, status, kind, size, reg,\n"
        "             reg2, ext, imm, op, mem{seg,base,index,scale,disp,rip_relative,\n"
        "             addr_size}, rep, lock, flags, text\n"
        "  --mode     default x86-64;  --backend  default native (zydis/capstone when built in)\n\n"
        "Human output: bytes, Intel/Arm syntax, then the access, e.g.\n"
        "  8a 2e  mov ch, byte ptr [rsi]  read 1 -> ch (merge)\n"
        "Exit status: 0 if every instruction decoded (with or without a memory operand),\n"
        "1 if any gave an error status (invalid, truncated, unsupported), 2 on usage errors.\n");
}

static int lookup(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(s, names[i]))
            return i;
    return -1;
}

/* Hex bytes, whitespace allowed between pairs, optional 0x per token. */
static int parse_bytes(const char *s, uint8_t *buf, size_t cap, size_t *n)
{
    *n = 0;
    while (*s) {
        unsigned v;
        if (isspace((unsigned char)*s) || *s == ',') {
            s++;
            continue;
        }
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
            s += 2;
        if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]) || *n >= cap)
            return -1;
        if (sscanf(s, "%2x", &v) != 1)
            return -1;
        buf[(*n)++] = (uint8_t)v;
        s += 2;
    }
    return *n ? 0 : -1;
}

/* arm64: a 32-bit word 'a9400440' / '0xa9400440', or 4 bytes with spaces. */
static int parse_word(const char *s, uint8_t *buf, size_t *n)
{
    char *end;
    unsigned long long w;
    if (strchr(s, ' '))
        return parse_bytes(s, buf, 4, n) == 0 && *n == 4 ? 0 : -1;
    errno = 0;
    w = strtoull(s, &end, 16);
    if (errno || end == s || *end || w > 0xffffffffull)
        return -1;
    for (int i = 0; i < 4; i++)
        buf[i] = (uint8_t)(w >> (8 * i));
    *n = 4;
    return 0;
}

/* arm64 instruction words are little-endian in memory (Arm ARM B2.6.2) */
static uint32_t le32(const uint8_t *c)
{
    return (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 | (uint32_t)c[3] << 24;
}

static unsigned reg_width(const mmioemu_insn *in)
{
    if (in->kind == MMIOEMU_KIND_MOVDIR64B)
        return in->mem.addr_size;
    return in->dst_size ? in->dst_size : in->size;
}

static const char *reg_str(const mmioemu_insn *in, uint8_t r)
{
    return mmioemu_reg_name((mmioemu_mode)in->mode, r, reg_width(in));
}

static const char *const flag_names[] = {
    "lock",    "rep",     "repne",   "imm", "mem_src", "bswap",  "nt",      "aligned", "wb_pre",
    "wb_post", "acquire", "release", "vex", "evex",    "direct", "seg_ovr", "unpriv",  "literal"};
static const char *const seg_names[] = {"es", "cs", "ss", "ds", "fs", "gs"};

static uint64_t imm_value(const mmioemu_insn *in)
{
    unsigned sz = in->kind == MMIOEMU_KIND_BT ? 8 : in->size;
    return sz >= 8 ? (uint64_t)in->imm : (uint64_t)in->imm & ((1ull << (8 * sz)) - 1);
}

static int has_imm(const mmioemu_insn *in)
{
    return in->kind == MMIOEMU_KIND_WRITE_IMM || (in->flags & MMIOEMU_F_IMM);
}

static void json_mem(const mmioemu_insn *in)
{
    const mmioemu_mem *m = &in->mem;
    mmioemu_mode mode = (mmioemu_mode)in->mode;
    printf(",\"mem\":{\"seg\":");
    if (m->seg < 6)
        printf("\"%s\"", seg_names[m->seg]);
    else
        printf("null");
    printf(",\"base\":");
    if (m->base == MMIOEMU_REG_NONE)
        printf("null");
    else
        printf("\"%s\"", mmioemu_reg_name(mode, m->base, mode == MMIOEMU_ARM64 ? 8 : m->addr_size));
    printf(",\"index\":");
    if (m->index == MMIOEMU_REG_NONE)
        printf("null");
    else
        printf("\"%s\"",
               mmioemu_reg_name(mode, m->index, mode == MMIOEMU_ARM64 ? 8 : m->addr_size));
    printf(",\"scale\":%u", 1u << m->shift);
    /* an absolute address (moffs) prints unsigned at the address size */
    if (m->base == MMIOEMU_REG_NONE && m->index == MMIOEMU_REG_NONE && m->addr_size &&
        m->addr_size < 8)
        printf(",\"disp\":%" PRIu64,
               (uint64_t)((uint64_t)m->disp & ((1ull << (8 * m->addr_size)) - 1)));
    else if (m->base == MMIOEMU_REG_NONE && m->index == MMIOEMU_REG_NONE)
        printf(",\"disp\":%" PRIu64, (uint64_t)m->disp);
    else
        printf(",\"disp\":%" PRId64, m->disp);
    printf(",\"rip_relative\":%s,\"addr_size\":%u}", m->base == MMIOEMU_REG_RIP ? "true" : "false",
           m->addr_size);
}

static void print_json(const struct opts *o, const uint8_t *code, size_t n, long off,
                       mmioemu_status st, const mmioemu_insn *in, const char *text)
{
    int valid = st == MMIOEMU_OK;
    printf("{");
    if (off >= 0)
        printf("\"offset\":%ld,", off);
    printf("\"bytes\":\"");
    for (size_t i = 0; i < n; i++)
        printf("%02x", code[i]);
    printf("\"");
    if (o->mode == MMIOEMU_ARM64 && n == 4)
        printf(",\"word\":\"%08" PRIx32 "\"", le32(code));
    printf(",\"mode\":\"%s\",\"backend\":\"%s\"", mode_names[o->mode], backend_names[o->backend]);
    printf(",\"length\":%u,\"status\":\"%s\"",
           (st == MMIOEMU_OK || st == MMIOEMU_ERR_NO_MEMORY_OPERAND || st == MMIOEMU_ERR_TRUNCATED)
               ? in->length
               : 0,
           mmioemu_status_name(st));
    if (st == MMIOEMU_OK || st == MMIOEMU_ERR_NO_MEMORY_OPERAND)
        printf(",\"text\":\"%s\"", text);
    printf(",\"kind\":\"%s\"", valid ? mmioemu_kind_name((mmioemu_kind)in->kind) : "none");
    if (!valid) {
        printf("}\n");
        return;
    }
    printf(",\"size\":%u,\"dst_size\":%u", in->size, in->dst_size);
    printf(",\"reg\":");
    if (in->reg == MMIOEMU_REG_NONE)
        printf("null");
    else
        printf("\"%s\"", reg_str(in, in->reg));
    printf(",\"reg2\":");
    if (in->reg2 == MMIOEMU_REG_NONE)
        printf("null");
    else
        printf("\"%s\"", reg_str(in, in->reg2));
    printf(",\"ext\":\"%s\"", mmioemu_ext_name((mmioemu_ext)in->ext));
    if (has_imm(in))
        printf(",\"imm\":\"0x%" PRIx64 "\"", imm_value(in));
    else
        printf(",\"imm\":null");
    if (in->op == MMIOEMU_OP_NONE)
        printf(",\"op\":null");
    else
        printf(",\"op\":\"%s\"", mmioemu_op_name((mmioemu_op)in->op));
    json_mem(in);
    printf(",\"rep\":%s,\"repne\":%s,\"lock\":%s,\"flags\":[",
           in->flags & MMIOEMU_F_REP ? "true" : "false",
           in->flags & MMIOEMU_F_REPNE ? "true" : "false",
           in->flags & MMIOEMU_F_LOCK ? "true" : "false");
    for (unsigned i = 0, first = 1; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
        if (in->flags & (1u << i)) {
            printf("%s\"%s\"", first ? "" : ",", flag_names[i]);
            first = 0;
        }
    printf("]}\n");
}

/* "read 1 -> ch (merge)", "write 8 <- 0xffffffffffffffff", "movs 8 rep"... */
static void print_summary(const mmioemu_insn *in)
{
    int load = in->kind == MMIOEMU_KIND_READ || in->kind == MMIOEMU_KIND_LODS ||
               in->kind == MMIOEMU_KIND_LOAD_PAIR || in->kind == MMIOEMU_KIND_ALU_READ;
    printf("%s %u", mmioemu_kind_name((mmioemu_kind)in->kind), in->size);
    if (in->op != MMIOEMU_OP_NONE)
        printf(" %s", mmioemu_op_name((mmioemu_op)in->op));
    if (in->reg != MMIOEMU_REG_NONE) {
        printf(" %s %s", load ? "->" : "<-", reg_str(in, in->reg));
        if (in->reg2 != MMIOEMU_REG_NONE)
            printf(", %s", reg_str(in, in->reg2));
    } else if (has_imm(in)) {
        printf(" <- 0x%" PRIx64, imm_value(in));
    }
    if (load && in->ext != MMIOEMU_EXT_NONE)
        printf(" (%s)", mmioemu_ext_name((mmioemu_ext)in->ext));
    for (unsigned i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
        if ((in->flags & (1u << i)) && (1u << i) != MMIOEMU_F_IMM && (1u << i) != MMIOEMU_F_SEG_OVR)
            printf(" %s", flag_names[i]);
}

/* Decodes code[0..n) once and prints it. Returns the bytes consumed (>= 1). */
static size_t decode_one(struct opts *o, const uint8_t *code, size_t n, long off)
{
    mmioemu_insn in;
    char text[160] = "";
    size_t used;
    mmioemu_status st = mmioemu_decode(o->backend, o->mode, code, n, &in);

    if (st == MMIOEMU_OK || st == MMIOEMU_ERR_NO_MEMORY_OPERAND) {
        if (st != MMIOEMU_OK)
            in.kind = MMIOEMU_KIND_NONE;
        if (o->mode == MMIOEMU_ARM64)
            cli_format_arm64(text, sizeof(text), &in, le32(code));
        else
            cli_format_x86(text, sizeof(text), &in, code);
        used = in.length ? in.length : 1;
    } else {
        o->errors++;
        used = o->mode == MMIOEMU_ARM64 ? 4 : 1;
    }
    size_t shown =
        o->raw ? (st == MMIOEMU_OK || st == MMIOEMU_ERR_NO_MEMORY_OPERAND ? used : 1) : n;
    if (shown > n)
        shown = n;
    if (o->json) {
        print_json(o, code, shown, off, st, &in, text);
        return used;
    }
    if (off >= 0)
        printf("%08lx  ", (unsigned long)off);
    if (o->mode == MMIOEMU_ARM64 && shown == 4) /* the word, as the Arm ARM writes it */
        printf("%08" PRIx32, le32(code));
    else
        for (size_t i = 0; i < shown; i++)
            printf("%s%02x", i ? " " : "", code[i]);
    if (st == MMIOEMU_OK) {
        printf("  %s  ", text);
        print_summary(&in);
    } else if (st == MMIOEMU_ERR_NO_MEMORY_OPERAND) {
        printf("  %s  (no memory operand)", text);
    } else if (st == MMIOEMU_ERR_TRUNCATED) {
        printf("  (truncated: needs %u bytes)", in.length);
    } else {
        printf("  (%s)", mmioemu_status_name(st));
    }
    if (!o->raw && (st == MMIOEMU_OK || st == MMIOEMU_ERR_NO_MEMORY_OPERAND) && in.length < n)
        printf("  [%zu trailing bytes ignored]", n - in.length);
    printf("\n");
    return used;
}

static int decode_text(struct opts *o, const char *s)
{
    uint8_t buf[64];
    size_t n;
    int bad =
        o->mode == MMIOEMU_ARM64 ? parse_word(s, buf, &n) : parse_bytes(s, buf, sizeof(buf), &n);
    if (bad) {
        fprintf(stderr, "mmioemu decode: not %s: '%s'\n",
                o->mode == MMIOEMU_ARM64 ? "a 32-bit hex word" : "hex bytes", s);
        return 2;
    }
    decode_one(o, buf, n, -1);
    return 0;
}

static int decode_esr(struct opts *o, const char *s)
{
    char *end;
    mmioemu_insn in;
    errno = 0;
    uint64_t esr = strtoull(s, &end, 0);
    if (errno || end == s || *end) {
        fprintf(stderr, "mmioemu decode: bad --esr value '%s'\n", s);
        return 2;
    }
    mmioemu_status st = mmioemu_decode_arm64_esr(esr, &in);
    if (st != MMIOEMU_OK)
        o->errors++;
    if (o->json) {
        printf("{\"esr\":\"0x%" PRIx64 "\",\"status\":\"%s\"", esr, mmioemu_status_name(st));
        if (st == MMIOEMU_OK) {
            printf(",\"kind\":\"%s\",\"size\":%u,\"dst_size\":%u,\"reg\":",
                   mmioemu_kind_name((mmioemu_kind)in.kind), in.size, in.dst_size);
            if (in.reg == MMIOEMU_REG_NONE)
                printf("null");
            else
                printf("\"%s\"", reg_str(&in, in.reg));
            printf(",\"ext\":\"%s\",\"acquire\":%s,\"release\":%s",
                   mmioemu_ext_name((mmioemu_ext)in.ext),
                   in.flags & MMIOEMU_F_ACQUIRE ? "true" : "false",
                   in.flags & MMIOEMU_F_RELEASE ? "true" : "false");
        }
        printf("}\n");
        return 0;
    }
    printf("esr 0x%" PRIx64 "  ", esr);
    if (st == MMIOEMU_OK)
        print_summary(&in);
    else
        printf("(%s)", mmioemu_status_name(st));
    printf("\n");
    return 0;
}

static int decode_lines(struct opts *o, FILE *f)
{
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        char *hash = strchr(line, '#'), *p = line;
        if (hash)
            *hash = 0;
        line[strcspn(line, "\r\n")] = 0;
        while (isspace((unsigned char)*p))
            p++;
        for (size_t k = strlen(p); k && isspace((unsigned char)p[k - 1]);)
            p[--k] = 0;
        if (*p && decode_text(o, p))
            return 2;
    }
    return 0;
}

static int decode_raw(struct opts *o, FILE *f)
{
    size_t cap = 1 << 16, n = 0, r;
    uint8_t *buf = malloc(cap);
    if (!buf)
        return 2;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                return 2;
            }
            buf = nb;
            cap *= 2;
        }
    }
    for (size_t off = 0; off < n;)
        off += decode_one(o, buf + off, n - off, (long)off);
    free(buf);
    return 0;
}

int cli_decode(int argc, char **argv)
{
    struct opts o = {MMIOEMU_X86_64, MMIOEMU_BACKEND_NATIVE, 0, 0, NULL, 0};
    int first_hex = argc, rc = 0, esr_seen = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_val = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--json")) {
            o.json = 1;
        } else if (!strcmp(a, "--raw")) {
            o.raw = 1;
        } else if (!strcmp(a, "--mode") && has_val) {
            int m = lookup(argv[++i], mode_names, 4);
            if (m < 0) {
                fprintf(stderr, "mmioemu decode: unknown mode '%s'\n", argv[i]);
                return 2;
            }
            o.mode = (mmioemu_mode)m;
        } else if (!strcmp(a, "--backend") && has_val) {
            int b = lookup(argv[++i], backend_names, 3);
            if (b < 0) {
                fprintf(stderr, "mmioemu decode: unknown backend '%s'\n", argv[i]);
                return 2;
            }
            o.backend = (mmioemu_backend)b;
        } else if (!strcmp(a, "--file") && has_val) {
            o.file = argv[++i];
        } else if (!strcmp(a, "--esr") && has_val) {
            i++;
            esr_seen = 1;
        } else if (!strcmp(a, "--")) {
            first_hex = i + 1;
            break;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "mmioemu decode: unknown or incomplete option '%s' (see --help)\n", a);
            return 2;
        } else {
            first_hex = i;
            break;
        }
    }
    if (first_hex < argc && (o.raw || o.file)) {
        fprintf(stderr, "mmioemu decode: give HEX arguments or --file/--raw, not both\n");
        return 2;
    }
    for (int i = 1; i < first_hex; i++)
        if (!strcmp(argv[i], "--esr") && (rc = decode_esr(&o, argv[++i])))
            return rc;
    if (first_hex < argc) {
        for (int i = first_hex; i < argc && !rc; i++)
            rc = decode_text(&o, argv[i]);
    } else if (!esr_seen || o.file || o.raw) {
        FILE *f = o.file ? fopen(o.file, o.raw ? "rb" : "r") : stdin;
        if (!f) {
            fprintf(stderr, "mmioemu decode: cannot open '%s': %s\n", o.file, strerror(errno));
            return 2;
        }
        rc = o.raw ? decode_raw(&o, f) : decode_lines(&o, f);
        if (f != stdin)
            fclose(f);
    }
    if (rc)
        return rc;
    return o.errors ? 1 : 0;
}
