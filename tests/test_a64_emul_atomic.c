/* arm64 FEAT_LSE atomics (LD<op>, SWP, CAS) emulated through the caller's
 * cmpxchg callback, via the public mmioemu_emulate(). Expected values: the
 * Arm ARM (DDI 0487) C6.2 pseudocode of each instruction, worked by hand. */
#include <criterion/criterion.h>
#include <string.h>
#include <mmioemu/mmioemu.h>

#include "common/a64core_env.h"

#define M(off) (A64CORE_MMIO_BASE + (off))

static a64core_env env;
static mmioemu_cpu cpu;

static void setup(void)
{
    a64core_env_init(&env);
    a64core_cpu_init(&cpu);
}

/* C6.2 LD<op>/SWP: Rt receives the old value, memory the result; CAS stores
 * Rt only when memory == Rs, and Rs always receives the old value.
 * Encodings from GNU as 2.40 -march=armv8.1-a. */

static void put64(unsigned off, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        env.mmio[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(unsigned off)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | env.mmio[off + i];
    return v;
}

/* Run word w with Rs = X1 = rs, Rt = X2 (preset to all ones), [X3] = M(0x100)
 * holding mem (8 bytes LE). */
static mmioemu_status lse(uint32_t w, uint64_t mem, uint64_t rs)
{
    setup();
    put64(0x100, mem);
    cpu.u.arm64.x[1] = rs;
    cpu.u.arm64.x[2] = ~0ull;
    cpu.u.arm64.x[3] = M(0x100);
    return a64core_run(&env, &cpu, w, M(0x100));
}

Test(a64_atomic, ldadd_w_wraps_at_32_bits_and_returns_old_value)
{
    cr_assert_eq(lse(0xb8210062, 0xaaaaaaaafffffffeull, 5), MMIOEMU_OK);
    cr_assert_eq(get64(0x100), 0xaaaaaaaa00000003ull);
    cr_assert_eq(cpu.u.arm64.x[2], 0xfffffffeull); /* W result: bits 63:32 zero */
    cr_assert_eq(cpu.u.arm64.pc, 0x400004);
}

Test(a64_atomic, ldclr_ldeor_ldset_compute_and_not_xor_or)
{
    cr_assert_eq(lse(0xf8211062, 0xff00ff00ff00ff00ull, 0xf0f0f0f0f0f0f0f0ull), MMIOEMU_OK);
    cr_assert_eq(get64(0x100), 0x0f000f000f000f00ull);
    cr_assert_eq(cpu.u.arm64.x[2], 0xff00ff00ff00ff00ull);
    cr_assert_eq(lse(0xb8212062, 0x0000ffff, 0x00ff00ff), MMIOEMU_OK);
    cr_assert_eq(get64(0x100), 0x00ffff00ull);
    cr_assert_eq(lse(0xb8213062, 0x1, 0x10), MMIOEMU_OK);
    cr_assert_eq(get64(0x100), 0x11ull);
}

Test(a64_atomic, ldsmax_is_signed_and_ldumax_unsigned)
{
    cr_assert_eq(lse(0xb8214062, 0xffffffff, 1), MMIOEMU_OK); /* max(-1, 1) = 1 */
    cr_assert_eq(get64(0x100), 1);
    cr_assert_eq(cpu.u.arm64.x[2], 0xffffffffull);
    cr_assert_eq(lse(0xb8216062, 0xffffffff, 1), MMIOEMU_OK); /* max(0xffffffff, 1) */
    cr_assert_eq(get64(0x100), 0xffffffffull);
    cr_assert_eq(lse(0xf8215062, 5, (uint64_t)-3), MMIOEMU_OK); /* ldsmin x: -3 */
    cr_assert_eq(get64(0x100), (uint64_t)-3);
    cr_assert_eq(lse(0xf8217062, 5, (uint64_t)-3), MMIOEMU_OK); /* ldumin x: 5 */
    cr_assert_eq(get64(0x100), 5);
}

Test(a64_atomic, swp_exchanges_register_and_memory)
{
    cr_assert_eq(lse(0xf8218062, 0x1111222233334444ull, 0x5555666677778888ull), MMIOEMU_OK);
    cr_assert_eq(get64(0x100), 0x5555666677778888ull);
    cr_assert_eq(cpu.u.arm64.x[2], 0x1111222233334444ull);
}

Test(a64_atomic, cas_stores_rt_when_memory_equals_rs)
{
    setup();
    put64(0x100, 7);
    cpu.u.arm64.x[1] = 7;
    cpu.u.arm64.x[2] = 9;
    cpu.u.arm64.x[3] = M(0x100);
    cr_assert_eq(a64core_run(&env, &cpu, 0xc8a17c62, M(0x100)), MMIOEMU_OK);
    cr_assert_eq(get64(0x100), 9);
    cr_assert_eq(cpu.u.arm64.x[1], 7);
    cr_assert_eq(env.nlog, 1); /* one atomic callback, guessed right */
}

Test(a64_atomic, failed_cas_stores_nothing_and_loads_rs)
{
    setup();
    put64(0x100, 8);
    cpu.u.arm64.x[1] = 7;
    cpu.u.arm64.x[2] = 9;
    cpu.u.arm64.x[3] = M(0x100);
    cr_assert_eq(a64core_run(&env, &cpu, 0xc8a17c62, M(0x100)), MMIOEMU_OK);
    cr_assert_eq(get64(0x100), 8);
    cr_assert_eq(cpu.u.arm64.x[1], 8);
    cr_assert_eq(cpu.u.arm64.x[2], 9);
    cr_assert_eq(env.nlog, 1);
    cr_assert_not(env.log[0].write);
}

/* CASB: one byte; the W register receives the zero-extended old byte. */
Test(a64_atomic, casb_compares_one_byte)
{
    setup();
    put64(0x100, 0x77665544332211f0ull);
    cpu.u.arm64.x[1] = 0xabcdf0; /* low byte f0 matches */
    cpu.u.arm64.x[2] = 0x12;
    cpu.u.arm64.x[3] = M(0x100);
    cr_assert_eq(a64core_run(&env, &cpu, 0x08a17c62, M(0x100)), MMIOEMU_OK);
    cr_assert_eq(get64(0x100), 0x7766554433221112ull);
    cr_assert_eq(cpu.u.arm64.x[1], 0xf0);
    cr_assert_eq(env.log[0].len, 1);
}

/* Big-endian LDADDH: the halfword's bytes are big-endian (B2.6.2). */
Test(a64_atomic, big_endian_ldaddh_adds_to_the_swapped_halfword)
{
    setup();
    env.mmio[0x100] = 0x01;
    env.mmio[0x101] = 0xff;
    cpu.u.arm64.big_endian = 1;
    cpu.u.arm64.x[1] = 1;
    cpu.u.arm64.x[3] = M(0x100);
    cr_assert_eq(a64core_run(&env, &cpu, 0x78210062, M(0x100)), MMIOEMU_OK);
    cr_assert_eq(env.mmio[0x100], 0x02);
    cr_assert_eq(env.mmio[0x101], 0x00);
    cr_assert_eq(cpu.u.arm64.x[2], 0x01ff);
}

/* STADDL (LDADDAL with Rt = XZR): memory updated, no register written. */
Test(a64_atomic, ldadd_into_xzr_only_updates_memory)
{
    cr_assert_eq(lse(0xf8e1007f, 40, 2), MMIOEMU_OK);
    cr_assert_eq(get64(0x100), 42);
    cr_assert_eq(cpu.u.arm64.x[2], ~0ull);
}

/* Another agent changes the value between attempts: the operation applies to
 * the value the successful cmpxchg saw. */
Test(a64_atomic, ldadd_retries_while_the_value_changes)
{
    setup();
    env.interfere = 3;
    env.mmio[0x100] = 10;
    cpu.u.arm64.x[1] = 5;
    cpu.u.arm64.x[3] = M(0x100);
    cr_assert_eq(a64core_run(&env, &cpu, 0xb8210062, M(0x100)), MMIOEMU_OK);
    cr_assert_eq(env.mmio[0x100], 18); /* 10 + 3 interferences, then + 5 */
    cr_assert_eq(cpu.u.arm64.x[2], 13);
    cr_assert_eq(env.nlog, 4);
}

Test(a64_atomic, endless_contention_is_retry_with_state_unchanged)
{
    setup();
    env.interfere = 1000;
    cpu.u.arm64.x[1] = 5;
    cpu.u.arm64.x[3] = M(0x100);
    mmioemu_cpu before = cpu;
    cr_assert_eq(a64core_run(&env, &cpu, 0xb8210062, M(0x100)), MMIOEMU_ERR_RETRY);
    cr_assert(memcmp(&before, &cpu, sizeof(cpu)) == 0);
}

Test(a64_atomic, atomics_need_cmpxchg_alignment_and_a_working_callback)
{
    setup();
    env.ops.cmpxchg = NULL;
    cpu.u.arm64.x[3] = M(0x100);
    cr_assert_eq(a64core_run(&env, &cpu, 0xb8210062, M(0x100)), MMIOEMU_ERR_UNSUPPORTED);
    setup();
    cpu.u.arm64.x[3] = M(0x102); /* 4-byte LDADD at 2 mod 4 */
    cr_assert_eq(a64core_run(&env, &cpu, 0xb8210062, M(0x102)), MMIOEMU_ERR_UNSUPPORTED);
    cr_assert_eq(env.nlog, 0);
    setup();
    env.fail_at = 1;
    cpu.u.arm64.x[3] = M(0x100);
    mmioemu_cpu before = cpu;
    cr_assert_eq(a64core_run(&env, &cpu, 0xb8210062, M(0x100)), MMIOEMU_ERR_CALLBACK);
    cr_assert(memcmp(&before, &cpu, sizeof(cpu)) == 0);
}
