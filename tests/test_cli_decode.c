/* `mmioemu decode` end to end: runs the built CLI and checks its output
 * against SDM / Arm ARM facts, its exit statuses (0 ok, 1 decode error,
 * 2 usage) and its three input forms (arguments, lines, raw stream). */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLI MMIOEMU_BINARY_DIR "/mmioemu"

#if defined(__x86_64__)
/* Runs `CLI args` through the shell; returns the exit status, output in out. */
static int run(const char *args, char *out, size_t cap)
{
    char cmd[1024];
    size_t n = 0, r;
    snprintf(cmd, sizeof(cmd), "%s %s 2>/dev/null", CLI, args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "popen %s", cmd);
    while (n + 1 < cap && (r = fread(out + n, 1, cap - n - 1, p)) > 0)
        n += r;
    out[n] = 0;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void need_cli(void)
{
    if (access(CLI, X_OK) != 0)
        cr_skip_test("CLI not built at %s", CLI);
}
#define SKIP_OFF_HOST()
#else
#define SKIP_OFF_HOST() cr_skip_test("the CLI is run only on an x86-64 build host")
static int run(const char *args, char *out, size_t cap)
{
    (void)args, (void)out, (void)cap;
    return -1;
}
static void need_cli(void)
{
}
#endif

static char out[1 << 16];

Test(cli_decode, human_line_names_ch_and_merges)
{
    SKIP_OFF_HOST();
    need_cli();
    /* SDM Vol. 2B MOV 8A /r; Vol. 2A 2.2.1.2: without REX, reg 5 of r8 is CH */
    cr_assert_eq(run("decode 8a2e", out, sizeof(out)), 0);
    cr_assert(strstr(out, "8a 2e  mov ch, byte ptr [rsi]  read 1 -> ch (merge)") != NULL, "%s",
              out);
}

Test(cli_decode, json_fields_follow_the_sdm_for_rex_imm16_and_imm32_sign_extension)
{
    SKIP_OFF_HOST();
    need_cli();
    cr_assert_eq(run("decode --json '40 8a 2e' 66c7073412 48c707ffffffff", out, sizeof(out)), 0);
    /* any REX: SPL/BPL/SIL/DIL (SDM Vol. 2A 2.2.1.2) */
    cr_assert(strstr(out, "\"bytes\":\"408a2e\"") && strstr(out, "\"reg\":\"bpl\""), "%s", out);
    /* 66 C7 /0 iw: length 5, imm16 (SDM MOV) */
    cr_assert(strstr(out, "\"bytes\":\"66c7073412\",\"mode\":\"x86-64\",\"backend\":\"native\","
                          "\"length\":5"),
              "%s", out);
    cr_assert(strstr(out, "\"imm\":\"0x1234\""), "%s", out);
    /* REX.W C7 /0 id: imm32 sign-extended to 64 bits (SDM MOV) */
    cr_assert(strstr(out, "\"imm\":\"0xffffffffffffffff\""), "%s", out);
    cr_assert(strstr(out, "\"kind\":\"write_imm\",\"size\":8"), "%s", out);
}

Test(cli_decode, moffs_and_rip_relative_addresses)
{
    SKIP_OFF_HOST();
    need_cli();
    cr_assert_eq(run("decode --json a11122334455667788 8b0578563412", out, sizeof(out)), 0);
    /* A1 in 64-bit mode: 8-byte moffs, length 9 (SDM MOV) */
    cr_assert(strstr(out, "\"length\":9") && strstr(out, "\"disp\":9833440827789222417"), "%s",
              out);
    /* mod 00 rm 101 in 64-bit mode: RIP + disp32 (SDM Vol. 2A 2.2.1.6) */
    cr_assert(strstr(out, "\"base\":\"rip\"") && strstr(out, "\"rip_relative\":true") &&
                  strstr(out, "\"disp\":305419896"),
              "%s", out);
}

Test(cli_decode, sixteen_bit_modrm_and_string_prefixes)
{
    SKIP_OFF_HOST();
    need_cli();
    /* SDM Vol. 2A Table 2-1: ModRM 02 = [bp+si], default segment SS */
    cr_assert_eq(run("decode --json --mode x86-16 8b02", out, sizeof(out)), 0);
    cr_assert(strstr(out, "\"seg\":\"ss\",\"base\":\"bp\",\"index\":\"si\""), "%s", out);
    /* F3 REX.W A5: rep movsq, 8-byte elements, [rsi] side */
    cr_assert_eq(run("decode --json f348a5 67a5", out, sizeof(out)), 0);
    cr_assert(strstr(out, "\"kind\":\"movs\",\"size\":8") && strstr(out, "\"rep\":true"), "%s",
              out);
    /* 67: 32-bit addresses, ESI */
    cr_assert(strstr(out, "\"base\":\"esi\"") && strstr(out, "\"addr_size\":4"), "%s", out);
}

Test(cli_decode, lock_on_a_plain_store_is_an_error_exit_1)
{
    SKIP_OFF_HOST();
    need_cli();
    /* SDM LOCK: #UD unless the destination is memory of a lockable form */
    cr_assert_eq(run("decode --json f08807", out, sizeof(out)), 1);
    cr_assert(strstr(out, "\"status\":\"invalid\""), "%s", out);
    cr_assert_eq(run("decode 8a", out, sizeof(out)), 1);
    cr_assert(strstr(out, "truncated"), "%s", out);
}

Test(cli_decode, usage_errors_exit_2_and_help_exits_0)
{
    SKIP_OFF_HOST();
    need_cli();
    cr_assert_eq(run("decode --mode x86-128 8a2e", out, sizeof(out)), 2);
    cr_assert_eq(run("decode --backend bogus 8a2e", out, sizeof(out)), 2);
    cr_assert_eq(run("decode zz", out, sizeof(out)), 2);
    cr_assert_eq(run("decode --help", out, sizeof(out)), 0);
    cr_assert(strstr(out, "usage: mmioemu decode"), "%s", out);
}

Test(cli_decode, file_lines_and_raw_streams)
{
    char path[] = "/tmp/mmioemu_cli_decode_XXXXXX";
    SKIP_OFF_HOST();
    need_cli();
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    /* raw stream: two instructions back to back */
    static const uint8_t raw[] = {0x8a, 0x2e, 0x89, 0x07};
    cr_assert_eq(write(fd, raw, sizeof(raw)), (ssize_t)sizeof(raw));
    close(fd);
    char args[256];
    snprintf(args, sizeof(args), "decode --raw --file %s", path);
    int rc = run(args, out, sizeof(out));
    cr_expect_eq(rc, 0);
    /* SDM MOV 89 /r: mov [rdi], eax at offset 2 */
    cr_expect(strstr(out, "00000000  8a 2e  mov ch") && strstr(out, "00000002  89 07"), "%s", out);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("# comment line\n8a 2e\n\n  48 8b 05 00 00 00 00  # rip\n", f);
    fclose(f);
    snprintf(args, sizeof(args), "decode --file %s", path);
    rc = run(args, out, sizeof(out));
    unlink(path);
    cr_assert_eq(rc, 0);
    cr_assert(strstr(out, "mov ch") && strstr(out, "read 8 -> rax"), "%s", out);
}

Test(cli_decode, other_backends_give_the_same_descriptor)
{
    SKIP_OFF_HOST();
    need_cli();
#if defined(MMIOEMU_HAVE_ZYDIS) && defined(MMIOEMU_HAVE_CAPSTONE)
    static const char *const be[] = {"zydis", "capstone"};
    for (int i = 0; i < 2; i++) {
        char args[128];
        snprintf(args, sizeof(args), "decode --backend %s 8a2e", be[i]);
        cr_assert_eq(run(args, out, sizeof(out)), 0, "%s", be[i]);
        cr_assert(strstr(out, "read 1 -> ch (merge)"), "%s: %s", be[i], out);
    }
#else
    cr_skip_test("Zydis/Capstone backends not built in");
#endif
}

Test(cli_decode, arm64_words_and_syndromes)
{
    SKIP_OFF_HOST();
    need_cli();
    /* Arm ARM C6.2 LDP (signed offset): a9400440 = ldp x0, x1, [x2] */
    cr_assert_eq(run("decode --json --mode arm64 a9400440", out, sizeof(out)), 0);
    cr_assert(strstr(out, "\"kind\":\"load_pair\"") && strstr(out, "\"reg\":\"x0\"") &&
                  strstr(out, "\"reg2\":\"x1\""),
              "%s", out);
    /* human lines start with the word as the Arm ARM writes it; C6.2 STR
     * (immediate, post-index): b8004409 = str w9, [x0], #4 */
    cr_assert_eq(run("decode --mode arm64 a9400440 b8004409", out, sizeof(out)), 0);
    cr_assert(strstr(out, "a9400440  ") && strstr(out, "load_pair 8 -> x0, x1"), "%s", out);
    cr_assert(strstr(out, "b8004409  ") && strstr(out, "write 4 <- w9 wb_post"), "%s", out);
    /* ESR 0x93c08006: EC 0x24, ISV=1, SAS=11 (8 bytes), SRT=0, SF=1, WnR=0
     * (Arm ARM D17.2.40 ESR_ELx, ISS encoding for a data abort) */
    cr_assert_eq(run("decode --esr 0x93c08006", out, sizeof(out)), 0);
    cr_assert(strstr(out, "read 8 -> x0"), "%s", out);
}
