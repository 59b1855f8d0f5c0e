/* `mmioemu emulate`: run one instruction (or a batch, one per stdin line)
 * through mmioemu_emulate against a synthetic machine - MMIO and RAM with
 * fixed byte patterns (issue 4), registers from name=value pairs - and print
 * every device access, every RAM write and the resulting registers. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmioemu/mmioemu.h>

#include "cli.h"
#include "fmt.h"

#define MAX_RANGES 16
#define MAX_LOG 256

typedef struct range {
    uint64_t base, size;
} range;

typedef struct logent {
    int w;
    uint64_t addr;
    unsigned len;
    uint8_t data[64];
} logent;

typedef struct machine {
    range mmio[MAX_RANGES], ram[MAX_RANGES];
    unsigned nmmio, nram;
    /* RAM overlay: bytes written so far (sparse, last write wins). */
    uint64_t *ov_addr;
    uint8_t *ov_val;
    size_t nov, cap;
    logent mmio_log[MAX_LOG], ram_log[MAX_LOG];
    unsigned nmmio_log, nram_log;
} machine;

static const char *const mode_names[] = {"x86-16", "x86-32", "x86-64", "arm64"};
static const char *const x86_regs[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                         "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

static void usage(FILE *f)
{
    fprintf(f, "usage: mmioemu emulate [--mode x86-16|x86-32|x86-64|arm64] [--json]\n"
               "                       [--mmio BASE:SIZE]... [--ram BASE:SIZE]... [--allow-user]\n"
               "                       [--batch | HEX [name=value ...]]\n"
               "Emulates one instruction against a synthetic machine and prints its accesses.\n"
               "  HEX        x86: instruction bytes in memory order ('8b03', '8b 03');\n"
               "             arm64: the 32-bit word ('f9400020')\n"
               "  name=value hex register values; x86: rax..r15 rip rflags fs_base gs_base cpl;\n"
               "             arm64: x0..x30 sp pc nzcv el. Unset registers are 0, RFLAGS 0x2.\n"
               "  --mmio B:S device memory [B, B+S) (hex). Default, when no --mmio is given:\n"
               "             one window fe000000:1000000. A read of byte A returns\n"
               "             (A*0x9d ^ 0x5a) & 0xff; writes are logged, not stored.\n"
               "  --ram B:S  RAM ranges. Without --ram, every address outside the MMIO windows\n"
               "             is RAM; with --ram, addresses in no range fail (status callback).\n"
               "             RAM byte A starts as (A*0x2f + (A>>8)*0x11 + 0x13) & 0xff.\n"
               "  Vector register i byte j starts as ((i*16+j)*0x3b ^ 0xc5) & 0xff.\n"
               "  Linear = physical (identity); no fault address is given, so the operand\n"
               "  address is not checked against one. CPL 3 / EL0 is refused unless\n"
               "  --allow-user. Segments are flat (base 0, maximal limit).\n"
               "  --json     one JSON object: status, ip_delta, mmio [{w,addr,len,data}],\n"
               "             ram (writes), regs, vregs (changed vector registers)\n"
               "  --batch    read 'HEX name=value ...' lines from stdin, one JSON line each\n");
}

static bool in_ranges(const range *r, unsigned n, uint64_t a)
{
    for (unsigned i = 0; i < n; i++)
        if (a - r[i].base < r[i].size)
            return true;
    return false;
}

static uint8_t mmio_byte(uint64_t a)
{
    return (uint8_t)((a * 0x9d) ^ 0x5a);
}

static uint8_t ram_init(uint64_t a)
{
    return (uint8_t)(a * 0x2f + (a >> 8) * 0x11 + 0x13);
}

static int ram_byte(const machine *m, uint64_t a, uint8_t *v)
{
    if (m->nram && !in_ranges(m->ram, m->nram, a))
        return -1;
    for (size_t i = m->nov; i-- > 0;)
        if (m->ov_addr[i] == a) {
            *v = m->ov_val[i];
            return 0;
        }
    *v = ram_init(a);
    return 0;
}

static void ram_store(machine *m, uint64_t a, uint8_t v)
{
    if (m->nov == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 256;
        m->ov_addr = realloc(m->ov_addr, m->cap * sizeof(*m->ov_addr));
        m->ov_val = realloc(m->ov_val, m->cap);
        if (!m->ov_addr || !m->ov_val) {
            fprintf(stderr, "mmioemu emulate: out of memory\n");
            exit(2);
        }
    }
    m->ov_addr[m->nov] = a;
    m->ov_val[m->nov++] = v;
}

static void log_add(logent *log, unsigned *n, int w, uint64_t a, const void *buf, size_t len)
{
    if (*n >= MAX_LOG)
        return;
    logent *e = &log[(*n)++];
    e->w = w, e->addr = a, e->len = (unsigned)len;
    memcpy(e->data, buf, len > 64 ? 64 : len);
}

static int cb_mmio_read(void *c, uint64_t a, void *buf, unsigned n)
{
    machine *m = c;
    for (unsigned i = 0; i < n; i++)
        ((uint8_t *)buf)[i] = mmio_byte(a + i);
    log_add(m->mmio_log, &m->nmmio_log, 0, a, buf, n);
    return 0;
}

static int cb_mmio_write(void *c, uint64_t a, const void *buf, unsigned n)
{
    machine *m = c;
    log_add(m->mmio_log, &m->nmmio_log, 1, a, buf, n);
    return 0;
}

static int cb_ram_read(void *c, uint64_t a, void *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ram_byte(c, a + i, (uint8_t *)buf + i))
            return -1;
    return 0;
}

static int cb_ram_write(void *c, uint64_t a, const void *buf, size_t n)
{
    machine *m = c;
    uint8_t v;
    for (size_t i = 0; i < n; i++)
        if (ram_byte(m, a + i, &v))
            return -1; /* unmapped: nothing written */
    for (size_t i = 0; i < n; i++)
        ram_store(m, a + i, ((const uint8_t *)buf)[i]);
    log_add(m->ram_log, &m->nram_log, 1, a, buf, n);
    return 0;
}

static int cb_is_mmio(void *c, uint64_t pa, bool *mmio, uint64_t *span)
{
    machine *m = c;
    *mmio = in_ranges(m->mmio, m->nmmio, pa);
    *span = 1; /* byte-exact answers; the planner merges equal neighbours */
    for (uint64_t k = 1; k < 64; k++, ++*span)
        if (in_ranges(m->mmio, m->nmmio, pa + k) != *mmio)
            break;
    return 0;
}

/* Atomic compare-exchange on the synthetic memory: MMIO compares against the
 * device's read pattern; a successful exchange is logged as a write. */
static int cb_cmpxchg(void *c, uint64_t a, void *old, const void *new_, unsigned n)
{
    machine *m = c;
    uint8_t cur[64];
    bool mmio = in_ranges(m->mmio, m->nmmio, a);
    for (unsigned i = 0; i < n && i < 64; i++) {
        if (mmio)
            cur[i] = mmio_byte(a + i);
        else if (ram_byte(m, a + i, &cur[i]))
            return -1;
    }
    if (memcmp(cur, old, n)) {
        memcpy(old, cur, n);
        return 1;
    }
    return mmio ? cb_mmio_write(m, a, new_, n) : cb_ram_write(m, a, new_, n);
}

static int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    if (!*s)
        return -1;
    *v = strtoull(s, &end, 16);
    return *end ? -1 : 0;
}

static int parse_range(const char *s, range *r)
{
    char buf[64], *colon;
    snprintf(buf, sizeof(buf), "%s", s);
    colon = strchr(buf, ':');
    if (!colon)
        return -1;
    *colon = 0;
    return parse_u64(buf, &r->base) || parse_u64(colon + 1, &r->size) ? -1 : 0;
}

static int hexval(int c)
{
    return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* x86: bytes in memory order; arm64: an 8-digit word, stored little-endian. */
static int parse_code(mmioemu_mode mode, const char *s, uint8_t *code, unsigned *len)
{
    unsigned n = 0, digits = 0;
    uint8_t cur = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    for (; *s; s++) {
        if (isspace((unsigned char)*s))
            continue;
        if (!isxdigit((unsigned char)*s) || n >= 15)
            return -1;
        cur = (uint8_t)(cur << 4 | hexval((unsigned char)*s));
        if (++digits % 2 == 0)
            code[n++] = cur, cur = 0;
    }
    if (digits % 2 || !n)
        return -1;
    if (mode == MMIOEMU_ARM64) {
        if (n != 4)
            return -1;
        uint8_t t = code[0];
        code[0] = code[3], code[3] = t, t = code[1], code[1] = code[2], code[2] = t;
    }
    *len = n;
    return 0;
}

static int set_reg(mmioemu_cpu *cpu, const char *name, uint64_t v)
{
    if (cpu->mode == MMIOEMU_ARM64) {
        mmioemu_arm64_state *a = &cpu->u.arm64;
        int n;
        char extra;
        if (sscanf(name, "x%d%c", &n, &extra) == 1 && n >= 0 && n <= 30)
            a->x[n] = v;
        else if (!strcmp(name, "sp"))
            a->sp = v;
        else if (!strcmp(name, "pc"))
            a->pc = v;
        else if (!strcmp(name, "nzcv"))
            a->nzcv = (uint32_t)v;
        else if (!strcmp(name, "el"))
            a->el = (uint8_t)v;
        else
            return -1;
        return 0;
    }
    mmioemu_x86_state *x = &cpu->u.x86;
    for (int i = 0; i < 16; i++)
        if (!strcmp(name, x86_regs[i])) {
            x->gpr[i] = v;
            return 0;
        }
    if (!strcmp(name, "rip"))
        x->rip = v;
    else if (!strcmp(name, "rflags"))
        x->rflags = v;
    else if (!strcmp(name, "fs_base"))
        x->seg[MMIOEMU_SEG_FS].base = v;
    else if (!strcmp(name, "gs_base"))
        x->seg[MMIOEMU_SEG_GS].base = v;
    else if (!strcmp(name, "cpl"))
        x->cpl = (uint8_t)v;
    else
        return -1;
    return 0;
}

static void init_cpu(mmioemu_cpu *cpu, mmioemu_mode mode)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->mode = mode;
    if (mode == MMIOEMU_ARM64) {
        for (int i = 0; i < 32; i++)
            for (int j = 0; j < 16; j++)
                cpu->u.arm64.v[i][j] = (uint8_t)(((i * 16 + j) * 0x3b) ^ 0xc5);
        cpu->u.arm64.el = 1;
        return;
    }
    mmioemu_x86_state *x = &cpu->u.x86;
    x->rflags = 0x2;
    for (int s = 0; s < 6; s++) { /* flat: present, writable data, maximal limit */
        x->seg[s].limit = mode == MMIOEMU_X86_16 ? 0xffff : 0xffffffffu;
        x->seg[s].attr = MMIOEMU_SEG_ATTR_S | MMIOEMU_SEG_ATTR_P | MMIOEMU_SEG_ATTR_WRITABLE | 1 |
                         (mode == MMIOEMU_X86_16 ? 0 : MMIOEMU_SEG_ATTR_DB | MMIOEMU_SEG_ATTR_G);
    }
    x->seg[MMIOEMU_SEG_CS].attr |= MMIOEMU_SEG_ATTR_CODE;
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < 64; j++)
            x->zmm[i][j] = (uint8_t)(((i * 16 + j) * 0x3b) ^ 0xc5);
}

static void print_hex(FILE *f, const uint8_t *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
}

static void print_log_json(FILE *f, const logent *l, unsigned n)
{
    fputc('[', f);
    for (unsigned i = 0; i < n; i++) {
        fprintf(f, "%s{\"w\":%d,\"addr\":\"0x%" PRIx64 "\",\"len\":%u,\"data\":\"", i ? "," : "",
                l[i].w, l[i].addr, l[i].len);
        print_hex(f, l[i].data, l[i].len > 64 ? 64 : l[i].len);
        fputs("\"}", f);
    }
    fputc(']', f);
}

static void print_regs_json(FILE *f, const mmioemu_cpu *cpu, const mmioemu_cpu *before)
{
    int first = 1;
    fputs("\"regs\":{", f);
    if (cpu->mode == MMIOEMU_ARM64) {
        for (int i = 0; i < 31; i++)
            fprintf(f, "%s\"x%d\":\"0x%" PRIx64 "\"", i ? "," : "", i, cpu->u.arm64.x[i]);
        fprintf(f, ",\"sp\":\"0x%" PRIx64 "\",\"nzcv\":\"0x%" PRIx32 "\"},\"vregs\":{",
                cpu->u.arm64.sp, cpu->u.arm64.nzcv);
        for (int i = 0; i < 32; i++) {
            if (!memcmp(cpu->u.arm64.v[i], before->u.arm64.v[i], 16))
                continue;
            fprintf(f, "%s\"v%d\":\"", first ? "" : ",", i);
            print_hex(f, cpu->u.arm64.v[i], 16);
            fputc('"', f);
            first = 0;
        }
        fputc('}', f);
        return;
    }
    for (int i = 0; i < 16; i++)
        fprintf(f, "%s\"%s\":\"0x%" PRIx64 "\"", i ? "," : "", x86_regs[i], cpu->u.x86.gpr[i]);
    fprintf(f, ",\"rflags\":\"0x%" PRIx64 "\"},\"vregs\":{", cpu->u.x86.rflags);
    for (int i = 0; i < 32; i++) {
        if (!memcmp(cpu->u.x86.zmm[i], before->u.x86.zmm[i], 64))
            continue;
        fprintf(f, "%s\"zmm%d\":\"", first ? "" : ",", i);
        print_hex(f, cpu->u.x86.zmm[i], 64);
        fputc('"', f);
        first = 0;
    }
    fputc('}', f);
}

static uint64_t ip_of(const mmioemu_cpu *cpu)
{
    return cpu->mode == MMIOEMU_ARM64 ? cpu->u.arm64.pc : cpu->u.x86.rip;
}

static void print_human(FILE *f, const mmioemu_cpu *cpu, const mmioemu_cpu *before,
                        const machine *m, mmioemu_status st, const mmioemu_result *res,
                        const uint8_t *code)
{
    char text[128] = "";
    if (st == MMIOEMU_OK || res->insn.length) {
        if (cpu->mode == MMIOEMU_ARM64)
            cli_format_arm64(text, sizeof(text), &res->insn,
                             (uint32_t)code[0] | (uint32_t)code[1] << 8 | (uint32_t)code[2] << 16 |
                                 (uint32_t)code[3] << 24);
        else
            cli_format_x86(text, sizeof(text), &res->insn, code);
    }
    fprintf(f, "%s\nstatus: %s", text, mmioemu_status_name(st));
    if (st == MMIOEMU_ERR_EXCEPTION)
        fprintf(f, " (vector %u, error code %u)", res->vector, res->error_code);
    fprintf(f, "\nip_delta: %" PRIu64 "\n", ip_of(cpu) - ip_of(before));
    for (unsigned i = 0; i < m->nmmio_log; i++) {
        fprintf(f, "mmio %s 0x%" PRIx64 " len %u: ", m->mmio_log[i].w ? "write" : "read ",
                m->mmio_log[i].addr, m->mmio_log[i].len);
        print_hex(f, m->mmio_log[i].data, m->mmio_log[i].len);
        fputc('\n', f);
    }
    for (unsigned i = 0; i < m->nram_log; i++) {
        fprintf(f, "ram  write 0x%" PRIx64 " len %u: ", m->ram_log[i].addr, m->ram_log[i].len);
        print_hex(f, m->ram_log[i].data, m->ram_log[i].len);
        fputc('\n', f);
    }
    if (cpu->mode != MMIOEMU_ARM64) {
        for (int i = 0; i < 16; i++)
            if (cpu->u.x86.gpr[i] != before->u.x86.gpr[i])
                fprintf(f, "%s = 0x%" PRIx64 "\n", x86_regs[i], cpu->u.x86.gpr[i]);
        fprintf(f, "rflags = 0x%" PRIx64 "\n", cpu->u.x86.rflags);
    } else {
        for (int i = 0; i < 31; i++)
            if (cpu->u.arm64.x[i] != before->u.arm64.x[i])
                fprintf(f, "x%d = 0x%" PRIx64 "\n", i, cpu->u.arm64.x[i]);
        if (cpu->u.arm64.sp != before->u.arm64.sp)
            fprintf(f, "sp = 0x%" PRIx64 "\n", cpu->u.arm64.sp);
    }
}

typedef struct opts {
    mmioemu_mode mode;
    int json, batch, allow_user;
} opts;

/* Emulate one instruction given as tokens[0] = HEX, tokens[1..] = name=value. */
static int run_one(const opts *o, machine *m, char **tok, int ntok)
{
    static mmioemu_cpu cpu, before;
    uint8_t code[15];
    unsigned len;
    char hex[128] = "";
    int first_reg = 0;
    /* The bytes may be one token or several ('8b 03'): all before the first name=value. */
    for (; first_reg < ntok && !strchr(tok[first_reg], '='); first_reg++)
        if (strlen(hex) + strlen(tok[first_reg]) < sizeof(hex))
            strcat(hex, tok[first_reg]);
    if (!first_reg || parse_code(o->mode, hex, code, &len)) {
        fprintf(stderr, "mmioemu emulate: bad instruction bytes '%s'\n", hex);
        return 2;
    }
    init_cpu(&cpu, o->mode);
    for (int i = first_reg; i < ntok; i++) {
        char name[32], *eq = strchr(tok[i], '=');
        uint64_t v;
        if (!eq || (size_t)(eq - tok[i]) >= sizeof(name) || parse_u64(eq + 1, &v)) {
            fprintf(stderr, "mmioemu emulate: bad register assignment '%s'\n", tok[i]);
            return 2;
        }
        memcpy(name, tok[i], (size_t)(eq - tok[i]));
        name[eq - tok[i]] = 0;
        if (set_reg(&cpu, name, v)) {
            fprintf(stderr, "mmioemu emulate: unknown register '%s'\n", name);
            return 2;
        }
    }
    before = cpu;
    m->nov = 0, m->nmmio_log = 0, m->nram_log = 0;
    mmioemu_ops ops = {cb_mmio_read, cb_mmio_write, cb_ram_read, cb_ram_write,
                       NULL,         NULL,          cb_is_mmio,  cb_cmpxchg};
    mmioemu_fault fault = {0};
    fault.insn = code, fault.insn_len = len;
    mmioemu_policy pol = {MMIOEMU_POLICY_IDENTITY | (o->allow_user ? MMIOEMU_POLICY_ALLOW_USER : 0),
                          0, NULL};
    mmioemu_result res;
    memset(&res, 0, sizeof(res));
    mmioemu_status st = mmioemu_emulate(&ops, m, &cpu, &fault, &pol, &res);
    if (o->json || o->batch) {
        printf("{\"status\":\"%s\",\"ip_delta\":%" PRIu64 ",\"mmio\":", mmioemu_status_name(st),
               ip_of(&cpu) - ip_of(&before));
        print_log_json(stdout, m->mmio_log, m->nmmio_log);
        fputs(",\"ram\":", stdout);
        print_log_json(stdout, m->ram_log, m->nram_log);
        fputc(',', stdout);
        print_regs_json(stdout, &cpu, &before);
        if (st == MMIOEMU_ERR_EXCEPTION)
            printf(",\"vector\":%u,\"error_code\":%u", res.vector, res.error_code);
        fputs("}\n", stdout);
    } else {
        print_human(stdout, &cpu, &before, m, st, &res, code);
    }
    return st == MMIOEMU_OK ? 0 : 1;
}

static int run_batch(const opts *o, machine *m)
{
    char line[4096];
    int rc = 0;
    while (fgets(line, sizeof(line), stdin)) {
        char *tok[64];
        int n = 0;
        for (char *t = strtok(line, " \t\r\n"); t && n < 64; t = strtok(NULL, " \t\r\n"))
            tok[n++] = t;
        if (!n || tok[0][0] == '#')
            continue;
        int r = run_one(o, m, tok, n);
        if (r == 2) {
            printf("{\"status\":\"usage\"}\n");
            rc = 2;
        } else if (r && !rc) {
            rc = 1;
        }
        fflush(stdout);
    }
    return rc;
}

int cli_emulate(int argc, char **argv)
{
    static machine m;
    opts o = {MMIOEMU_X86_64, 0, 0, 0};
    int i;
    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--json")) {
            o.json = 1;
        } else if (!strcmp(a, "--batch")) {
            o.batch = 1;
        } else if (!strcmp(a, "--allow-user")) {
            o.allow_user = 1;
        } else if (!strcmp(a, "--mode") && i + 1 < argc) {
            unsigned k;
            for (k = 0; k < 4 && strcmp(argv[i + 1], mode_names[k]); k++)
                ;
            if (k == 4)
                break;
            o.mode = (mmioemu_mode)k, i++;
        } else if ((!strcmp(a, "--mmio") || !strcmp(a, "--ram")) && i + 1 < argc) {
            bool mm = !strcmp(a, "--mmio");
            unsigned *n = mm ? &m.nmmio : &m.nram;
            if (*n >= MAX_RANGES || parse_range(argv[++i], mm ? &m.mmio[*n] : &m.ram[*n]))
                break;
            ++*n;
        } else {
            break;
        }
    }
    if ((i < argc && argv[i][0] == '-' && argv[i][1] == '-') || (o.batch ? i != argc : i >= argc)) {
        usage(stderr);
        return 2;
    }
    if (!m.nmmio) {
        m.mmio[0].base = 0xfe000000u;
        m.mmio[0].size = 0x1000000u;
        m.nmmio = 1;
    }
    int rc = o.batch ? run_batch(&o, &m) : run_one(&o, &m, argv + i, argc - i);
    free(m.ov_addr);
    free(m.ov_val);
    return rc;
}
