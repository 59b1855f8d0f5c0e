/* Live oracle: KVM. Random MMIO-form instructions (tests/common/x86gen_*)
 * run in a 64-bit KVM guest whose window has no memslot; KVM's
 * KVM_EXIT_MMIO accesses and final registers must equal mmioemu_emulate's
 * on the same state and the same synthetic device. On these hosts ring 0 goes
 * through KVM's emulator and ring 3 runs on the CPU: forms KVM refuses are
 * re-run at CPL 3 against a RAM-backed window (docs/oracles.md). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/kvm_guest.h"
#include "common/x86cpu_run.h"
#include "common/x86gen_emu.h"

#if defined(__x86_64__) && defined(__linux__)

#define MAX_FORMS 160
#define MAX_REPORTS 60

typedef struct tally {
    unsigned runs, ring0, kvm_refused, kvm_fault, cpu_fault, unsupported, bad;
} tally;

static kvmg_run kr;
static x86gen_dev dev;
static mmioemu_cpu cpu;
static tally tl[MAX_FORMS];
static x86gen_acc kacc[KVMG_MAX_ACC];

/* The exception mmioemu reports must be the CPU's: #GP(0) for a misaligned
 * MOVAPS & co.; past a segment limit #GP(0), or #SS(0) through SS (SDM
 * Vol. 3A 5.3, 6.15). Other faults: any vector. */
static int vector_ok(const x86gen_case *c, unsigned v)
{
    if (!(c->flags & (X86GEN_C_GP | X86GEN_C_LIMIT)))
        return 1;
    return ((c->flags & X86GEN_C_GP) && v == 13) ||
           ((c->flags & X86GEN_C_LIMIT) && v == (c->seg == 2 ? 12u : 13u));
}

static kvm_guest *open_or_skip(void)
{
    char why[256];
    kvm_guest *g = kvm_guest_open(why, sizeof why);
    if (!g)
        cr_skip_test("KVM oracle skipped: %s", why);
    return g;
}

static void load_run(kvmg_run *r, const x86gen_case *c, int cpl)
{
    r->code = c->bytes;
    r->len = c->len;
    r->cpl = cpl;
    r->vec = (c->flags & X86GEN_C_VEC) != 0;
    memcpy(r->gpr, c->gpr, sizeof r->gpr);
    r->rflags = c->rflags;
    r->fs_base = c->fs_base;
    r->gs_base = c->gs_base;
    r->bits = c->bits;
    r->ip = c->ip;
    memcpy(r->seg_base, c->seg_base, sizeof r->seg_base);
    for (unsigned i = 0; i < 32; i++)
        for (unsigned j = 0; j < 64; j++)
            r->zmm[i][j] = x86gen_vec_byte(i, j);
}

static unsigned kvm_accesses(const kvmg_run *r)
{
    unsigned n = r->nacc < KVMG_MAX_ACC ? r->nacc : KVMG_MAX_ACC;
    for (unsigned i = 0; i < n; i++) {
        kacc[i].addr = r->acc[i].addr;
        kacc[i].len = r->acc[i].len;
        kacc[i].write = r->acc[i].write;
        memcpy(kacc[i].data, r->acc[i].data, 8);
    }
    return n;
}

/* Compare the oracle's final state with mmioemu's. 0 if equal. */
static int compare(const x86gen_case *c, const kvmg_run *r, char *why, size_t n)
{
    const mmioemu_x86_state *x = &cpu.u.x86;
    for (int i = 0; i < 16; i++)
        if (i != 4 && x->gpr[i] != r->out_gpr[i]) {
            snprintf(why, n, "gpr%d: kvm %llx mmioemu %llx (was %llx)", i,
                     (unsigned long long)r->out_gpr[i], (unsigned long long)x->gpr[i],
                     (unsigned long long)c->gpr[i]);
            return -1;
        }
    if (x->rip != r->out_rip) {
        snprintf(why, n, "rip: kvm %llx mmioemu %llx", (unsigned long long)r->out_rip,
                 (unsigned long long)x->rip);
        return -1;
    }
    /* every flag except those the SDM calls undefined for this instruction */
    uint64_t m = 0x3fffffull & ~0x13000ull & ~(uint64_t)c->undef_flags;
    if ((x->rflags ^ r->out_rflags) & m) {
        snprintf(why, n, "rflags: kvm %llx mmioemu %llx (was %llx, undefined %x)",
                 (unsigned long long)r->out_rflags, (unsigned long long)x->rflags,
                 (unsigned long long)c->rflags, c->undef_flags);
        return -1;
    }
    if (r->cpl == 0) {
        unsigned nk = kvm_accesses(r);
        /* KVM's emulator fetches CLFLUSH's operand (SrcMem in its opcode
         * table); the SDM defines no data read: KVM's reads are ignored. */
        if (c->group == X86GEN_G_MISC && x86gen_form_name(c->form)[0] == 'c')
            for (unsigned i = 0; i < nk; i++)
                kacc[i].len = kacc[i].write ? kacc[i].len : 0;
        if (x86gen_acc_compare(kacc, nk, dev.acc, dev.nacc, why, n))
            return -1;
        /* widths and order too: a device register read as four bytes is not
         * a 32-bit read. KVM_EXIT_MMIO carries at most 8 bytes. */
        if (!(c->group == X86GEN_G_MISC && x86gen_form_name(c->form)[0] == 'c') &&
            x86gen_acc_compare_exact(kacc, nk, dev.acc, dev.nacc, c->msize > 8 ? 8 : 0, why, n))
            return -1;
    }
    for (unsigned i = 0; i < X86GEN_AREA_SIZE; i++) {
        if (r->cpl == 0 && x86gen_in_window(X86GEN_AREA + i))
            continue; /* ring 0: the window is the device, compared as accesses */
        if (r->area[i] != dev.area[i]) {
            snprintf(why, n, "memory [%llx]: kvm %02x mmioemu %02x",
                     (unsigned long long)(X86GEN_AREA + i), r->area[i], dev.area[i]);
            return -1;
        }
    }
    if (r->vec && memcmp(r->zmm, x->zmm, sizeof r->zmm)) {
        for (int i = 0; i < 32; i++)
            if (memcmp(r->zmm[i], x->zmm[i], 64)) {
                snprintf(why, n, "zmm%d differs", i);
                break;
            }
        return -1;
    }
    return 0;
}

static void report(const x86gen_case *c, const kvmg_run *r, mmioemu_status s, const char *why)
{
    char hex[64], ka[512], ea[512];
    x86gen_hex(c, hex, sizeof hex);
    unsigned nk = kvm_accesses(r);
    x86gen_acc_print("kvm", kacc, nk, ka, sizeof ka);
    x86gen_acc_print("mmioemu", dev.acc, dev.nacc, ea, sizeof ea);
    cr_log_warn("MISMATCH %s [%s] cpl%d status %s: %s\n  %s\n  %s", x86gen_form_name(c->form), hex,
                r->cpl, mmioemu_status_name(s), why, ka, ea);
}

/* One case: KVM at ring 0, at ring 3 if KVM refuses it; then mmioemu.
 * Returns 0 (match), 1 (mismatch), 2 (not compared). */
static int one_case(kvm_guest *g, const x86gen_case *c, unsigned *reports)
{
    tally *t = &tl[c->form];
    int cpl = 0;
    t->runs++;
    /* learn per form: after 16 refusals and no success, go straight to ring 3 */
    if ((t->kvm_refused + t->kvm_fault >= 16 && t->ring0 == 0) || (c->flags & X86GEN_C_KVM_QUIRK))
        cpl = 3;
    load_run(&kr, c, cpl);
    cr_assert_eq(kvm_guest_run(g, &kr), 0, "KVM ioctl failed");
    if (cpl == 0 && kr.result != KVMG_OK) {
        if (kr.result == KVMG_EMUL_FAIL)
            t->kvm_refused++;
        else
            t->kvm_fault++;
        cpl = 3;
    }
    if (cpl == 3 && !x86cpu_has_insn(c)) { /* the CPU would #UD: no oracle on this host */
        t->unsupported++;
        return 2;
    }
    if (cpl == 3 && kr.cpl != 3) {
        load_run(&kr, c, cpl);
        cr_assert_eq(kvm_guest_run(g, &kr), 0, "KVM ioctl failed");
    } else if (cpl == 0) {
        t->ring0++;
    }
    x86gen_dev_reset(&dev);
    x86gen_cpu_init(c, cpl, &cpu);
    mmioemu_result res;
    mmioemu_status s = x86gen_emulate(c, &cpu, &dev, &res);
    char why[512] = "";
    if (kr.result != KVMG_OK) { /* the CPU itself faulted: mmioemu must refuse too */
        t->cpu_fault++;
        if (s == MMIOEMU_ERR_EXCEPTION && vector_ok(c, res.vector))
            return 0; /* the guest has no IDT: any fault ends in a triple fault */
        snprintf(why, sizeof why, "the CPU faulted (exit %u) but mmioemu returned %s",
                 kr.exit_reason, mmioemu_status_name(s));
    } else if (s == MMIOEMU_ERR_UNSUPPORTED && !(c->flags & X86GEN_C_REQUIRED)) {
        t->unsupported++;
        return 2;
    } else if (s != MMIOEMU_OK) {
        snprintf(why, sizeof why, "mmioemu returned %s", mmioemu_status_name(s));
    } else if (compare(c, &kr, why, sizeof why) == 0) {
        return 0;
    }
    t->bad++;
    const char *e = getenv("MMIOEMU_ORACLE_REPORTS"); /* default: two per form */
    unsigned per = e ? (unsigned)atoi(e) : 2;
    if (t->bad <= per && (*reports)++ < (per > 2 ? 100000u : MAX_REPORTS))
        report(c, &kr, s, why);
    return 1;
}

static void print_tally(void)
{
    cr_log_info("%-18s %7s %6s %7s %6s %6s %6s %5s", "form", "runs", "ring0", "refused", "kfault",
                "cfault", "unsup", "bad");
    for (unsigned f = 0; f < x86gen_form_count() && f < MAX_FORMS; f++) {
        tally *t = &tl[f];
        cr_log_info("%-18s %7u %6u %7u %6u %6u %6u %5u", x86gen_form_name(f), t->runs, t->ring0,
                    t->kvm_refused, t->kvm_fault, t->cpu_fault, t->unsupported, t->bad);
    }
}

Test(x86_kvm_oracle, hand_written_mov_load_exits_once_with_four_bytes)
{
    kvm_guest *g = open_or_skip();
    /* 8b 04 25 00 00 00 40: mov eax, [0x40000000] (SDM MOV 8B /r, SIB disp32) */
    static const uint8_t b[] = {0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x40};
    x86gen_case c;
    memset(&c, 0, sizeof c);
    memcpy(c.bytes, b, sizeof b);
    c.len = sizeof b;
    c.gpr[0] = 0x1111111111111111ull;
    c.rflags = 2;
    load_run(&kr, &c, 0);
    cr_assert_eq(kvm_guest_run(g, &kr), 0);
    cr_assert_eq(kr.result, KVMG_OK, "exit %u", kr.exit_reason);
    cr_assert_eq(kr.nacc, 1);
    cr_assert_eq(kr.acc[0].addr, X86GEN_WIN);
    cr_assert_eq(kr.acc[0].len, 4);
    cr_assert_eq(kr.acc[0].write, 0);
    /* SDM: a 32-bit destination is zero-extended; bytes from the device formula */
    uint64_t want = 0;
    for (int i = 3; i >= 0; i--)
        want = want << 8 | x86gen_mmio_byte(X86GEN_WIN + (uint64_t)i);
    cr_assert_eq(kr.out_gpr[0], want, "%llx", (unsigned long long)kr.out_gpr[0]);
    cr_assert_eq(kr.out_rip, X86GEN_CODE + sizeof b);
    kvm_guest_close(g);
}

Test(x86_kvm_oracle, ring0_emulator_and_ring3_cpu_agree_where_kvm_emulates)
{
    /* Validates the harness itself (no mmioemu): KVM's emulator at ring 0
     * and the CPU at ring 3 give the same registers and flags. */
    kvm_guest *g = open_or_skip();
    static kvmg_run r3;
    x86gen_rng rng;
    x86gen_seed(&rng, 99);
    unsigned compared = 0, bad = 0;
    for (int i = 0; i < 3000; i++) {
        x86gen_case c;
        x86gen_case_make(&rng, -1, &c);
        load_run(&kr, &c, 0);
        load_run(&r3, &c, 3);
        cr_assert_eq(kvm_guest_run(g, &kr), 0);
        cr_assert_eq(kvm_guest_run(g, &r3), 0);
        if (kr.result != KVMG_OK || r3.result != KVMG_OK || (c.flags & X86GEN_C_KVM_QUIRK))
            continue;
        compared++;
        uint64_t m = 0x3fffffull & ~(uint64_t)c.undef_flags;
        if (memcmp(kr.out_gpr, r3.out_gpr, sizeof kr.out_gpr) || kr.out_rip != r3.out_rip ||
            ((kr.out_rflags ^ r3.out_rflags) & m)) {
            char hex[64];
            x86gen_hex(&c, hex, sizeof hex);
            if (bad++ < 10)
                cr_log_warn("ring0/ring3 differ: %s [%s]", x86gen_form_name(c.form), hex);
        }
    }
    cr_log_info("ring0 vs ring3: %u cases compared, %u differ", compared, bad);
    cr_assert_gt(compared, 1500);
    cr_assert_eq(bad, 0);
    kvm_guest_close(g);
}

Test(x86_kvm_oracle, random_mmio_forms_match_kvm_and_the_cpu)
{
    kvm_guest *g = open_or_skip();
    unsigned n = 100000, reports = 0, bad = 0, skipped = 0;
    const char *e = getenv("MMIOEMU_KVM_CASES");
    if (e && atoi(e) > 0)
        n = (unsigned)atoi(e);
    memset(tl, 0, sizeof tl);
    x86gen_rng rng;
    x86gen_seed(&rng, 2026);
    for (unsigned i = 0; i < n; i++) {
        x86gen_case c;
        x86gen_case_make(&rng, -1, &c);
        int r = one_case(g, &c, &reports);
        bad += r == 1;
        skipped += r == 2;
    }
    print_tally();
    cr_log_info("KVM oracle: %u cases, %u mismatches, %u not compared (optional forms "
                "mmioemu does not support)",
                n, bad, skipped);
    kvm_guest_close(g);
    cr_assert_eq(bad, 0, "%u of %u cases differ from KVM / the CPU (first %d printed above)", bad,
                 n, MAX_REPORTS);
}

/* 32- and 16-bit protected mode: every segment base counts, 16-bit ModRM,
 * 67/66 both ways. Only KVM's ring-0 emulator here (no ring-3 fallback
 * without paging), so the forms it refuses are counted, not compared. */
static void legacy_mode(kvm_guest *g, unsigned bits, unsigned n, unsigned *bad, unsigned *reports)
{
    x86gen_rng rng;
    x86gen_seed(&rng, 7000 + bits);
    unsigned refused = 0, faults = 0, compared = 0, quirks = 0;
    memset(tl, 0, sizeof tl);
    for (unsigned i = 0; i < n; i++) {
        x86gen_case c;
        x86gen_case_make_legacy(&rng, bits, &c);
        load_run(&kr, &c, 0);
        cr_assert_eq(kvm_guest_run(g, &kr), 0, "KVM ioctl failed");
        if (kr.result == KVMG_EMUL_FAIL) {
            refused++;
            continue;
        }
        x86gen_dev_reset(&dev);
        x86gen_cpu_init(&c, 0, &cpu);
        mmioemu_result res;
        mmioemu_status s = x86gen_emulate(&c, &cpu, &dev, &res);
        char why[512] = "";
        if (kr.result == KVMG_OK && (c.flags & X86GEN_C_LIMIT)) {
            /* past the 4 GiB limit: the CPU faults, KVM's emulator does not */
            quirks++;
            if (s == MMIOEMU_ERR_EXCEPTION && vector_ok(&c, res.vector))
                continue;
            snprintf(why, sizeof why,
                     "offset past the 4 GiB limit: the CPU raises %s, "
                     "mmioemu returned %s (vector %u)",
                     c.seg == 2 ? "#SS(0)" : "#GP(0)", mmioemu_status_name(s),
                     s == MMIOEMU_ERR_EXCEPTION ? res.vector : 0);
        } else if (kr.result != KVMG_OK) {
            faults++;
            if (s == MMIOEMU_ERR_EXCEPTION && vector_ok(&c, res.vector))
                continue;
            snprintf(why, sizeof why, "KVM faulted (exit %u) but mmioemu returned %s (vector %u)",
                     kr.exit_reason, mmioemu_status_name(s),
                     s == MMIOEMU_ERR_EXCEPTION ? res.vector : 0);
        } else if (s != MMIOEMU_OK) {
            snprintf(why, sizeof why, "mmioemu returned %s (vector %u), KVM ran it: target %llx",
                     mmioemu_status_name(s), s == MMIOEMU_ERR_EXCEPTION ? res.vector : 0,
                     (unsigned long long)c.target);
        } else {
            compared++;
            if (compare(&c, &kr, why, sizeof why) == 0)
                continue;
        }
        tally *t = &tl[c.form];
        t->bad++;
        (*bad)++;
        if (t->bad <= 2 && (*reports)++ < MAX_REPORTS) {
            char hex[64];
            x86gen_hex(&c, hex, sizeof hex);
            cr_log_warn("MISMATCH %u-bit %s [%s]: %s", bits, x86gen_form_name(c.form), hex, why);
        }
    }
    cr_log_info("%u-bit: %u cases, %u compared, %u faults checked, %u past the 4 GiB limit "
                "(#GP, KVM quirk), %u refused by KVM",
                bits, n, compared, faults, quirks, refused);
}

Test(x86_kvm_oracle, random_32_and_16_bit_forms_match_kvm)
{
    kvm_guest *g = open_or_skip();
    unsigned n = 25000, bad = 0, reports = 0;
    const char *e = getenv("MMIOEMU_KVM_LEGACY_CASES");
    if (e && atoi(e) > 0)
        n = (unsigned)atoi(e);
    legacy_mode(g, 32, n, &bad, &reports);
    legacy_mode(g, 16, n, &bad, &reports);
    kvm_guest_close(g);
    cr_assert_eq(bad, 0, "%u 32/16-bit cases differ from KVM", bad);
}

#else

Test(x86_kvm_oracle, needs_an_x86_64_linux_host)
{
    cr_skip_test("KVM oracle skipped: needs an x86-64 Linux host with /dev/kvm");
}

#endif
