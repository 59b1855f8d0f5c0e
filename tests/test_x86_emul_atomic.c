/* Error atomicity (include/mmioemu/emulate.h, issue 4): for every error
 * status the vCPU state and guest memory are byte-identical afterwards;
 * string instructions keep the elements completed before the failure. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/x86emu_env.h"

#define M 0xfe000000ull

static x86emu_env E, E0;
static mmioemu_ops OPS;
static mmioemu_cpu C, C0;
static mmioemu_policy P;
static mmioemu_result R;
static mmioemu_insn I;
static mmioemu_fault F;

#define X C.u.x86

static void fx(void)
{
    x86emu_env_init(&E);
    E.mmio_sticky = true;
    x86emu_ops(&OPS, false, true);
    x86emu_cpu(&C, MMIOEMU_X86_64);
    memset(&P, 0, sizeof(P));
    P.flags = MMIOEMU_POLICY_IDENTITY;
    memset(&R, 0, sizeof(R));
    memset(&F, 0, sizeof(F));
    for (int i = 0; i < 16; i++)
        X.gpr[i] = 0x0101010101010101ull * (uint64_t)(i + 1);
    X.gpr[MMIOEMU_REG_RBX] = M + 0x100;
    X.rflags = 0x8d7; /* every status flag set: any stray flag write shows */
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < 64; j++)
            X.zmm[i][j] = (uint8_t)(i * 64 + j);
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_ALU_RMW, 4, MMIOEMU_REG_RCX, MMIOEMU_REG_RBX, 0,
                2);
    I.op = MMIOEMU_OP_ADD;
}

static void snapshot(void)
{
    C0 = C;
    memcpy(&E0, &E, sizeof(E));
}

static void assert_unchanged(void)
{
    cr_assert(memcmp(&C0, &C, sizeof(C)) == 0, "vCPU state changed");
    cr_assert(x86emu_same_memory(&E0, &E), "memory changed");
}

static mmioemu_status run(const mmioemu_fault *f)
{
    return x86emu_run(&OPS, &E, &I, &C, f, &P, &R);
}

Test(x86_emul_atomic, arg_leaves_everything)
{
    fx();
    I.mode = MMIOEMU_X86_32;
    snapshot();
    cr_assert_eq(run(NULL), MMIOEMU_ERR_ARG);
    assert_unchanged();
}

Test(x86_emul_atomic, unsupported_leaves_everything)
{
    fx();
    I.kind = MMIOEMU_KIND_OTHER;
    snapshot();
    cr_assert_eq(run(NULL), MMIOEMU_ERR_UNSUPPORTED);
    assert_unchanged();
    cr_assert_eq(E.nlog, 0);
}

Test(x86_emul_atomic, address_mismatch_leaves_everything)
{
    fx();
    F.flags = MMIOEMU_FAULT_GLA;
    F.gla = M + 0x104; /* the operand is [M+0x100, M+0x104) */
    snapshot();
    cr_assert_eq(run(&F), MMIOEMU_ERR_ADDRESS_MISMATCH);
    assert_unchanged();
    cr_assert_eq(E.nlog, 0);
    F.gla = M + 0x103;
    cr_assert_eq(run(&F), MMIOEMU_OK);
}

Test(x86_emul_atomic, split_refused_by_policy_leaves_everything)
{
    fx();
    P.flags |= MMIOEMU_POLICY_NO_SPLIT;
    X.gpr[MMIOEMU_REG_RBX] = M + 0xffe;
    snapshot();
    cr_assert_eq(run(NULL), MMIOEMU_ERR_SPLIT);
    assert_unchanged();
}

Test(x86_emul_atomic, denied_leaves_everything)
{
    fx();
    P.flags |= MMIOEMU_POLICY_NO_RAM;
    X.gpr[MMIOEMU_REG_RBX] = 0x1000;
    snapshot();
    cr_assert_eq(run(NULL), MMIOEMU_ERR_DENIED);
    assert_unchanged();
}

Test(x86_emul_atomic, exception_leaves_everything)
{
    fx();
    X.gpr[MMIOEMU_REG_RBX] = 0xffff700000000000ull; /* non-canonical */
    snapshot();
    cr_assert_eq(run(NULL), MMIOEMU_ERR_EXCEPTION);
    assert_unchanged();
}

Test(x86_emul_atomic, failing_write_of_rmw_leaves_registers_flags_and_memory)
{
    fx();
    E.fail_at = 2; /* the read succeeds, the write fails */
    snapshot();
    cr_assert_eq(run(NULL), MMIOEMU_ERR_CALLBACK);
    assert_unchanged();
}

Test(x86_emul_atomic, callback_failing_on_the_second_piece_of_a_split_read)
{
    fx();
    X.gpr[MMIOEMU_REG_RBX] = M + 0xffc; /* 8 bytes: 4 on each page */
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_READ, 8, MMIOEMU_REG_RAX, MMIOEMU_REG_RBX, 0, 3);
    E.fail_at = 2;
    snapshot();
    cr_assert_eq(run(NULL), MMIOEMU_ERR_CALLBACK);
    assert_unchanged();
    E.fail_at = 0;
    cr_assert_eq(run(NULL), MMIOEMU_OK);
    cr_assert_eq(X.gpr[MMIOEMU_REG_RAX], x86emu_peek_le(&E, M + 0xffc, 8));
}

Test(x86_emul_atomic, split_write_failing_on_the_second_piece_keeps_the_first_written)
{
    /* Documented limit (docs/flags.md "Errors"): a written piece cannot be
     * taken back; registers and RIP are still untouched and the status says CALLBACK. */
    fx();
    X.gpr[MMIOEMU_REG_RBX] = M + 0xffe;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_WRITE, 4, MMIOEMU_REG_RCX, MMIOEMU_REG_RBX, 0, 2);
    E.fail_at = 2;
    snapshot();
    cr_assert_eq(run(NULL), MMIOEMU_ERR_CALLBACK);
    cr_assert(memcmp(&C0, &C, sizeof(C)) == 0);
    cr_assert_eq(E.nlog, 1);
    cr_assert_eq(E.log[0].addr, M + 0xffe);
}

Test(x86_emul_atomic, lock_retry_leaves_the_vcpu)
{
    fx();
    I.flags = MMIOEMU_F_LOCK;
    E.xchg_conflicts = 100000;
    snapshot();
    cr_assert_eq(run(NULL), MMIOEMU_ERR_RETRY);
    cr_assert(memcmp(&C0, &C, sizeof(C)) == 0);
}

Test(x86_emul_atomic, vector_load_failing_leaves_the_vector_register)
{
    fx();
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_READ, 32, MMIOEMU_REG_V0 + 2, MMIOEMU_REG_RBX, 0,
                4);
    I.flags = MMIOEMU_F_VEX;
    X.gpr[MMIOEMU_REG_RBX] = M + 0xff0; /* split: 16 + 16 */
    E.fail_at = 2;
    snapshot();
    cr_assert_eq(run(NULL), MMIOEMU_ERR_CALLBACK);
    assert_unchanged();
}

Test(x86_emul_atomic, rep_movs_failing_at_element_k_keeps_k_minus_1_elements)
{
    fx();
    X.gpr[MMIOEMU_REG_RSI] = M + 0x200;
    X.gpr[MMIOEMU_REG_RDI] = 0x3000;
    X.gpr[MMIOEMU_REG_RCX] = 10;
    X.rip = 0x777;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_MOVS, 2, MMIOEMU_REG_NONE, MMIOEMU_REG_RSI, 0, 3);
    I.flags = MMIOEMU_F_REP;
    /* element k = 4 (1-based): its read is callback 7, its write callback 8 */
    E.fail_at = 8;
    snapshot();
    cr_assert_eq(run(NULL), MMIOEMU_ERR_CALLBACK);
    cr_assert_eq(R.iterations, 3);
    cr_assert_eq(X.gpr[MMIOEMU_REG_RCX], 7);
    cr_assert_eq(X.gpr[MMIOEMU_REG_RSI], M + 0x206);
    cr_assert_eq(X.gpr[MMIOEMU_REG_RDI], 0x3006);
    cr_assert_eq(X.rip, 0x777);
    for (int i = 0; i < 6; i++)
        cr_assert_eq(x86emu_peek(&E, 0x3000 + i), x86emu_mmio_byte(M + 0x200 + i));
    for (int i = 6; i < 8; i++) /* the failing element wrote nothing */
        cr_assert_eq(x86emu_peek(&E, 0x3000 + i), x86emu_ram_init(0x3000 + i));
    /* everything else untouched */
    C0.u.x86.gpr[MMIOEMU_REG_RCX] = 7;
    C0.u.x86.gpr[MMIOEMU_REG_RSI] = M + 0x206;
    C0.u.x86.gpr[MMIOEMU_REG_RDI] = 0x3006;
    cr_assert(memcmp(&C0, &C, sizeof(C)) == 0);
}

Test(x86_emul_atomic, failing_fetch_leaves_everything)
{
    fx();
    static const uint8_t code[1] = {0x8b};
    E.code = code, E.code_ip = 0x5000, E.code_len = 0; /* nothing mapped: fetch fails */
    X.rip = 0x5000;
    snapshot();
    cr_assert_eq(mmioemu_emulate(&OPS, &E, &C, NULL, &P, &R), MMIOEMU_ERR_CALLBACK);
    assert_unchanged();
}
