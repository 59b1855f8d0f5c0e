/* x86 emulator: read-modify-write, LOCK forms through cmpxchg, XCHG,
 * CMPXCHG/CMPXCHG8B/16B, XADD, vector moves, MOVDIR64B, flush, and the
 * CPU exceptions the emulator must report instead of emulating.
 * Expectations cite the SDM instruction pages. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/x86emu_env.h"

#define M 0xfe000000ull

static x86emu_env E;
static mmioemu_ops OPS;
static mmioemu_cpu C;
static mmioemu_policy P;
static mmioemu_result R;
static mmioemu_insn I;

static void fx(mmioemu_mode mode)
{
    x86emu_env_init(&E);
    E.mmio_sticky = true; /* writes are seen by later reads and by cmpxchg */
    x86emu_ops(&OPS, false, true);
    x86emu_cpu(&C, mode);
    memset(&P, 0, sizeof(P));
    P.flags = MMIOEMU_POLICY_IDENTITY;
    memset(&R, 0, sizeof(R));
}

static mmioemu_status run(void)
{
    return x86emu_run(&OPS, &E, &I, &C, NULL, &P, &R);
}

#define X C.u.x86
#define RAX X.gpr[MMIOEMU_REG_RAX]
#define RCX X.gpr[MMIOEMU_REG_RCX]
#define RDX X.gpr[MMIOEMU_REG_RDX]
#define RBX X.gpr[MMIOEMU_REG_RBX]

static void rmw(unsigned op, unsigned size, unsigned reg, unsigned flags)
{
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_ALU_RMW, size, reg, MMIOEMU_REG_RBX, 0, 3);
    I.op = (uint8_t)op;
    I.flags = flags;
}

Test(x86_emul_lock, add_to_memory_reads_then_writes_with_flags)
{
    fx(MMIOEMU_X86_64);
    RBX = M;
    x86emu_poke_le(&E, M, 0xff, 1);
    RCX = 1;
    rmw(MMIOEMU_OP_ADD, 1, MMIOEMU_REG_RCX, 0); /* 00 0B = add [rbx], cl */
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.nlog, 2);
    cr_assert_eq(E.log[0].w, 0);
    cr_assert_eq(E.log[1].w, 1);
    cr_assert_eq(E.log[1].data[0], 0);
    /* SDM ADD: 0xff + 1 = 0 carries out of bit 7 and bit 3; zero has even parity */
    uint64_t want = MMIOEMU_FLAG_CF | MMIOEMU_FLAG_ZF | MMIOEMU_FLAG_AF | MMIOEMU_FLAG_PF | 2;
    cr_assert_eq(X.rflags, want);
}

Test(x86_emul_lock, lock_add_goes_through_cmpxchg)
{
    fx(MMIOEMU_X86_64);
    RBX = M + 8;
    x86emu_poke_le(&E, M + 8, 0x1000, 4);
    rmw(MMIOEMU_OP_ADD, 4, MMIOEMU_REG_NONE, MMIOEMU_F_LOCK | MMIOEMU_F_IMM);
    I.imm = 0x234; /* F0 81 03 34 02 00 00 */
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.nlog, 2);
    cr_assert_eq(E.log[1].xchg, 1);
    cr_assert_eq(x86emu_peek_le(&E, M + 8, 4), 0x1234);
}

Test(x86_emul_lock, lock_retries_when_the_value_changed_underneath)
{
    fx(MMIOEMU_X86_64);
    RBX = M + 8;
    x86emu_poke_le(&E, M + 8, 0x10, 4);
    E.xchg_conflicts = 2; /* another CPU flips bit 7 twice: 0x90, then 0x10 */
    rmw(MMIOEMU_OP_INC, 4, MMIOEMU_REG_NONE, MMIOEMU_F_LOCK);
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(x86emu_peek_le(&E, M + 8, 4), 0x11);
}

Test(x86_emul_lock, lock_gives_up_with_retry_and_nothing_changed)
{
    fx(MMIOEMU_X86_64);
    RBX = M + 8;
    E.xchg_conflicts = 1000;
    rmw(MMIOEMU_OP_OR, 4, MMIOEMU_REG_NONE, MMIOEMU_F_LOCK | MMIOEMU_F_IMM);
    I.imm = 1;
    mmioemu_cpu before = C;
    cr_assert_eq(run(), MMIOEMU_ERR_RETRY);
    cr_assert(memcmp(&before, &C, sizeof(C)) == 0);
}

Test(x86_emul_lock, locked_form_without_cmpxchg_callback_is_unsupported)
{
    fx(MMIOEMU_X86_64);
    RBX = M;
    OPS.cmpxchg = NULL;
    rmw(MMIOEMU_OP_ADD, 4, MMIOEMU_REG_RCX, MMIOEMU_F_LOCK);
    cr_assert_eq(run(), MMIOEMU_ERR_UNSUPPORTED);
    cr_assert_eq(E.nlog, 0);
}

Test(x86_emul_lock, xchg_is_always_locked)
{
    fx(MMIOEMU_X86_64);
    RBX = M + 0x10;
    uint64_t old = x86emu_peek_le(&E, M + 0x10, 8);
    RCX = 0x0123456789abcdefull;
    /* SDM XCHG: "the processor's locking protocol is automatically implemented" */
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_XCHG, 8, MMIOEMU_REG_RCX, MMIOEMU_REG_RBX, 0, 3);
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(RCX, old);
    cr_assert_eq(x86emu_peek_le(&E, M + 0x10, 8), 0x0123456789abcdefull);
    cr_assert_eq(E.log[E.nlog - 1].xchg, 1);
}

Test(x86_emul_lock, xadd_exchanges_and_adds)
{
    fx(MMIOEMU_X86_64);
    RBX = M + 0x20;
    x86emu_poke_le(&E, M + 0x20, 5, 2);
    RCX = 0xffff0000fffffffeull; /* cx = -2 */
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_XADD, 2, MMIOEMU_REG_RCX, MMIOEMU_REG_RBX, 0, 4);
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(RCX, 0xffff0000ffff0005ull); /* 16-bit destination merges */
    cr_assert_eq(x86emu_peek_le(&E, M + 0x20, 2), 3);
    cr_assert(X.rflags & MMIOEMU_FLAG_CF); /* 5 + 0xfffe carries out of bit 15 */
}

Test(x86_emul_lock, cmpxchg_writes_its_destination_even_when_the_compare_fails)
{
    fx(MMIOEMU_X86_64);
    RBX = M + 0x30;
    x86emu_poke_le(&E, M + 0x30, 0x55, 4);
    RAX = 0xffffffff00000054ull;
    RCX = 0x99;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_CMPXCHG, 4, MMIOEMU_REG_RCX, MMIOEMU_REG_RBX, 0,
                3);
    cr_assert_eq(run(), MMIOEMU_OK);
    /* SDM CMPXCHG: ZF=0, accumulator = dest, dest written back with its own value */
    cr_assert_eq(E.nlog, 2);
    cr_assert_eq(E.log[1].w, 1);
    cr_assert_eq(E.log[1].data[0], 0x55);
    cr_assert_eq(RAX, 0x55); /* EAX written: zero-extended */
    cr_assert_not(X.rflags & MMIOEMU_FLAG_ZF);
    RAX = 0x55;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert(X.rflags & MMIOEMU_FLAG_ZF);
    cr_assert_eq(x86emu_peek_le(&E, M + 0x30, 4), 0x99);
}

Test(x86_emul_lock, lock_cmpxchg_failure_writes_the_old_value_back_through_cmpxchg)
{
    fx(MMIOEMU_X86_64);
    RBX = M + 0x30;
    x86emu_poke_le(&E, M + 0x30, 0x55, 8);
    RAX = 0x54;
    RCX = 0x99;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_CMPXCHG, 8, MMIOEMU_REG_RCX, MMIOEMU_REG_RBX, 0,
                4);
    I.flags = MMIOEMU_F_LOCK;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(RAX, 0x55);
    /* SDM CMPXCHG: "the destination operand is written back if the comparison
     * fails" - also under LOCK (KVM's emulator does the same: R then W) */
    cr_assert_eq(E.nlog, 1);
    cr_assert_eq(E.log[0].xchg, 1);
    cr_assert_eq(E.log[0].data[0], 0x55);
    cr_assert_not(X.rflags & MMIOEMU_FLAG_ZF);
}

Test(x86_emul_lock, cmpxchg16b_compares_rdx_rax_and_stores_rcx_rbx)
{
    fx(MMIOEMU_X86_64);
    X.gpr[MMIOEMU_REG_RSI] = M + 0x40;
    x86emu_poke_le(&E, M + 0x40, 0x1111, 8);
    x86emu_poke_le(&E, M + 0x48, 0x2222, 8);
    RAX = 0x1111, RDX = 0x2222, RBX = 0x3333, RCX = 0x4444;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_CMPXCHG_WIDE, 16, MMIOEMU_REG_NONE,
                MMIOEMU_REG_RSI, 0, 5);
    I.flags = MMIOEMU_F_LOCK;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert(X.rflags & MMIOEMU_FLAG_ZF);
    cr_assert_eq(x86emu_peek_le(&E, M + 0x40, 8), 0x3333);
    cr_assert_eq(x86emu_peek_le(&E, M + 0x48, 8), 0x4444);
    cr_assert_eq(run(), MMIOEMU_OK); /* now differs: RDX:RAX loaded */
    cr_assert_not(X.rflags & MMIOEMU_FLAG_ZF);
    cr_assert_eq(RAX, 0x3333);
    cr_assert_eq(RDX, 0x4444);
}

Test(x86_emul_lock, cmpxchg8b_failure_loads_edx_eax_zero_extended)
{
    fx(MMIOEMU_X86_64);
    X.gpr[MMIOEMU_REG_RSI] = M + 0x48;
    RAX = ~0ull, RDX = ~0ull;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_CMPXCHG_WIDE, 8, MMIOEMU_REG_NONE, MMIOEMU_REG_RSI,
                0, 3);
    uint64_t m = x86emu_peek_le(&E, M + 0x48, 8);
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(RAX, m & 0xffffffff);
    cr_assert_eq(RDX, m >> 32);
    cr_assert_eq(E.log[1].w, 1); /* unlocked: written back */
}

Test(x86_emul_lock, cmpxchg16b_needs_16_byte_alignment)
{
    fx(MMIOEMU_X86_64);
    X.gpr[MMIOEMU_REG_RSI] = M + 0x48;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_CMPXCHG_WIDE, 16, MMIOEMU_REG_NONE,
                MMIOEMU_REG_RSI, 0, 4);
    cr_assert_eq(run(), MMIOEMU_ERR_EXCEPTION); /* SDM CMPXCHG16B: #GP(0) if not aligned */
    cr_assert_eq(R.vector, 13);
    cr_assert_eq(R.error_code, 0);
}

/* ---- vector moves (SDM Vol. 1 14.1.3, MOVD/MOVQ, MOVUPS, VMOVDQU) ---- */

static void vec(unsigned kind, unsigned size, unsigned n, unsigned flags, unsigned ext)
{
    x86emu_insn(&I, MMIOEMU_X86_64, kind, size, MMIOEMU_REG_V0 + n, MMIOEMU_REG_RBX, 0, 4);
    I.flags = flags, I.ext = (uint8_t)ext;
}

static void fill_vec(void)
{
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < 64; j++)
            X.zmm[i][j] = (uint8_t)(((i * 16 + j) * 0x3b) ^ 0xc5);
}

Test(x86_emul_lock, legacy_sse_load_keeps_bits_above_128)
{
    fx(MMIOEMU_X86_64);
    fill_vec();
    RBX = M + 0x100;
    uint8_t hi[48];
    memcpy(hi, X.zmm[3] + 16, 48);
    vec(MMIOEMU_KIND_READ, 16, 3, 0, MMIOEMU_EXT_MERGE); /* 0F 10 1B movups xmm3, [rbx] */
    cr_assert_eq(run(), MMIOEMU_OK);
    for (int j = 0; j < 16; j++)
        cr_assert_eq(X.zmm[3][j], x86emu_mmio_byte(M + 0x100 + j));
    cr_assert(memcmp(hi, X.zmm[3] + 16, 48) == 0);
}

Test(x86_emul_lock, vex_load_zeroes_up_to_512_bits)
{
    fx(MMIOEMU_X86_64);
    fill_vec();
    RBX = M + 0x100;
    vec(MMIOEMU_KIND_READ, 32, 5, MMIOEMU_F_VEX, MMIOEMU_EXT_ZERO); /* vmovdqu ymm5, [rbx] */
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.log[0].len, 32);
    for (int j = 0; j < 32; j++)
        cr_assert_eq(X.zmm[5][j], x86emu_mmio_byte(M + 0x100 + j));
    for (int j = 32; j < 64; j++)
        cr_assert_eq(X.zmm[5][j], 0);
}

Test(x86_emul_lock, movd_load_zeroes_the_rest_of_the_xmm_only)
{
    fx(MMIOEMU_X86_64);
    fill_vec();
    RBX = M + 0x100;
    uint8_t hi[48];
    memcpy(hi, X.zmm[1] + 16, 48);
    vec(MMIOEMU_KIND_READ, 4, 1, 0, MMIOEMU_EXT_ZERO); /* 66 0F 6E 0B movd xmm1, [rbx] */
    cr_assert_eq(run(), MMIOEMU_OK);
    for (int j = 4; j < 16; j++)
        cr_assert_eq(X.zmm[1][j], 0);
    cr_assert(memcmp(hi, X.zmm[1] + 16, 48) == 0);
}

Test(x86_emul_lock, zmm_store_writes_64_bytes_in_one_access)
{
    fx(MMIOEMU_X86_64);
    fill_vec();
    RBX = M + 0x140;
    vec(MMIOEMU_KIND_WRITE, 64, 7, MMIOEMU_F_EVEX, MMIOEMU_EXT_NONE);
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.nlog, 1);
    cr_assert_eq(E.log[0].len, 64);
    cr_assert(memcmp(E.log[0].data, X.zmm[7], 64) == 0);
}

Test(x86_emul_lock, misaligned_movaps_is_gp0)
{
    fx(MMIOEMU_X86_64);
    RBX = M + 0x108;
    vec(MMIOEMU_KIND_READ, 16, 0, MMIOEMU_F_ALIGNED, MMIOEMU_EXT_MERGE);
    cr_assert_eq(run(), MMIOEMU_ERR_EXCEPTION); /* SDM MOVAPS: #GP(0) if not 16-aligned */
    cr_assert_eq(R.vector, 13);
    cr_assert(R.has_error_code);
    cr_assert_eq(E.nlog, 0);
}

Test(x86_emul_lock, movdir64b_is_one_64_byte_write_from_ram)
{
    fx(MMIOEMU_X86_64);
    X.gpr[MMIOEMU_REG_RSI] = 0x9000;
    RAX = M + 0x200;
    /* 66 0F 38 F8 06 = movdir64b rax, [rsi] */
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_MOVDIR64B, 64, MMIOEMU_REG_RAX, MMIOEMU_REG_RSI, 0,
                5);
    I.flags = MMIOEMU_F_DIRECT;
    I.mem.seg = MMIOEMU_SEG_DS;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.nlog, 2);
    cr_assert_eq(E.log[0].mmio, 0);
    cr_assert_eq(E.log[0].len, 64);
    cr_assert_eq(E.log[1].mmio, 1);
    cr_assert_eq(E.log[1].len, 64);
    cr_assert_eq(E.log[1].addr, M + 0x200);
    for (int j = 0; j < 64; j++)
        cr_assert_eq(E.log[1].data[j], x86emu_ram_init(0x9000 + j));
    RAX = M + 0x220; /* SDM MOVDIR64B: #GP(0) if the destination is not 64-byte aligned */
    cr_assert_eq(run(), MMIOEMU_ERR_EXCEPTION);
    cr_assert_eq(R.vector, 13);
}

Test(x86_emul_lock, flush_completes_with_no_access)
{
    fx(MMIOEMU_X86_64);
    RBX = M;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_FLUSH, 1, MMIOEMU_REG_NONE, MMIOEMU_REG_RBX, 0, 3);
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.nlog, 0);
    cr_assert_eq(X.rip, 3);
}

Test(x86_emul_lock, kind_other_is_unsupported)
{
    fx(MMIOEMU_X86_64);
    RBX = M;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_OTHER, 4, MMIOEMU_REG_NONE, MMIOEMU_REG_RBX, 0, 3);
    cr_assert_eq(run(), MMIOEMU_ERR_UNSUPPORTED);
    cr_assert_eq(X.rip, 0);
}

/* ---- exceptions the CPU raises (reported, never emulated) ---- */

Test(x86_emul_lock, non_canonical_address_is_gp0_or_ss0_for_stack_references)
{
    fx(MMIOEMU_X86_64);
    RBX = 0x0000800000000000ull; /* SDM Vol. 3A 6.15: #GP(0), #SS(0) if SS-based */
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_READ, 4, MMIOEMU_REG_RAX, MMIOEMU_REG_RBX, 0, 2);
    cr_assert_eq(run(), MMIOEMU_ERR_EXCEPTION);
    cr_assert_eq(R.vector, 13);
    I.mem.base = MMIOEMU_REG_RBP, I.mem.seg = MMIOEMU_SEG_SS;
    X.gpr[MMIOEMU_REG_RBP] = 0x00007ffffffffffeull; /* last byte non-canonical */
    cr_assert_eq(run(), MMIOEMU_ERR_EXCEPTION);
    cr_assert_eq(R.vector, 12);
}

Test(x86_emul_lock, segment_limit_is_checked_outside_64_bit_mode)
{
    fx(MMIOEMU_X86_32);
    X.seg[MMIOEMU_SEG_DS].limit = 0xfff;
    RBX = 0xffe;
    x86emu_insn(&I, MMIOEMU_X86_32, MMIOEMU_KIND_READ, 4, MMIOEMU_REG_RAX, MMIOEMU_REG_RBX, 0, 2);
    cr_assert_eq(run(), MMIOEMU_ERR_EXCEPTION); /* SDM Vol. 3A 5.3: last byte beyond limit */
    cr_assert_eq(R.vector, 13);
    RBX = 0xffc;
    X.seg[MMIOEMU_SEG_DS].base = M;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, M + 0xffc);
}

Test(x86_emul_lock, expand_down_segment_allows_only_above_the_limit)
{
    fx(MMIOEMU_X86_32);
    X.seg[MMIOEMU_SEG_SS].attr |= MMIOEMU_SEG_ATTR_EXPAND_DOWN;
    X.seg[MMIOEMU_SEG_SS].limit = 0x1000;
    X.seg[MMIOEMU_SEG_SS].base = M - 0x1000;
    X.gpr[MMIOEMU_REG_RBP] = 0x1000;
    x86emu_insn(&I, MMIOEMU_X86_32, MMIOEMU_KIND_READ, 4, MMIOEMU_REG_RAX, MMIOEMU_REG_RBP, 0, 3);
    I.mem.seg = MMIOEMU_SEG_SS;
    cr_assert_eq(run(), MMIOEMU_ERR_EXCEPTION); /* offset == limit: outside */
    cr_assert_eq(R.vector, 12);
    X.gpr[MMIOEMU_REG_RBP] = 0x1001;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, M + 1);
}

Test(x86_emul_lock, write_to_read_only_data_segment_is_gp0)
{
    fx(MMIOEMU_X86_32);
    X.seg[MMIOEMU_SEG_DS].attr &= ~(uint32_t)MMIOEMU_SEG_ATTR_WRITABLE;
    RBX = M;
    x86emu_insn(&I, MMIOEMU_X86_32, MMIOEMU_KIND_WRITE, 4, MMIOEMU_REG_RAX, MMIOEMU_REG_RBX, 0, 2);
    cr_assert_eq(run(), MMIOEMU_ERR_EXCEPTION);
    cr_assert_eq(R.vector, 13);
}

/* ---- policy and arguments ---- */

Test(x86_emul_lock, user_mode_is_refused_unless_allowed)
{
    fx(MMIOEMU_X86_64);
    X.cpl = 3;
    RBX = M;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_READ, 4, MMIOEMU_REG_RAX, MMIOEMU_REG_RBX, 0, 2);
    cr_assert_eq(run(), MMIOEMU_ERR_DENIED);
    cr_assert_eq(E.nlog, 0);
    P.flags |= MMIOEMU_POLICY_ALLOW_USER;
    cr_assert_eq(run(), MMIOEMU_OK);
}

Test(x86_emul_lock, mode_mismatch_and_null_arguments_are_arg)
{
    fx(MMIOEMU_X86_64);
    mmioemu_access_list l;
    x86emu_insn(&I, MMIOEMU_X86_32, MMIOEMU_KIND_READ, 4, MMIOEMU_REG_RAX, MMIOEMU_REG_RBX, 0, 2);
    cr_assert_eq(mmioemu_plan(&OPS, &E, &I, &C, NULL, NULL, &l, NULL), MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_plan(&OPS, &E, NULL, &C, NULL, NULL, &l, NULL), MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_plan(&OPS, &E, &I, NULL, NULL, NULL, &l, NULL), MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_plan(&OPS, &E, &I, &C, NULL, NULL, NULL, NULL), MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_execute(&OPS, &E, &I, NULL, &C, NULL, NULL), MMIOEMU_ERR_ARG);
    cr_assert_eq(mmioemu_emulate(&OPS, &E, NULL, NULL, NULL, NULL), MMIOEMU_ERR_ARG);
    l.count = 0;
    cr_assert_eq(mmioemu_execute(&OPS, &E, &I, &l, &C, NULL, NULL), MMIOEMU_ERR_ARG);
}

Test(x86_emul_lock, misaligned_access_at_cpl3_with_am_and_ac_is_ac0)
{
    fx(MMIOEMU_X86_64);
    P.flags |= MMIOEMU_POLICY_ALLOW_USER;
    X.cpl = 3;
    X.cr0 = 1u << 18;            /* CR0.AM */
    X.rflags |= MMIOEMU_FLAG_AC; /* SDM Vol. 3A 6.15: #AC(0) */
    RBX = M + 2;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_READ, 4, MMIOEMU_REG_RAX, MMIOEMU_REG_RBX, 0, 2);
    cr_assert_eq(run(), MMIOEMU_ERR_EXCEPTION);
    cr_assert_eq(R.vector, 17);
    cr_assert_eq(E.nlog, 0);
    RBX = M + 4; /* aligned: fine */
    cr_assert_eq(run(), MMIOEMU_OK);
    X.cpl = 0; /* only CPL 3 checks alignment */
    RBX = M + 2;
    cr_assert_eq(run(), MMIOEMU_OK);
}
