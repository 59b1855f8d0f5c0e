/* x86 ALU results and status flags against the CPU itself (oracle: the
 * instruction executed natively on this Intel Xeon, register forms, flags
 * read back with PUSHF). The emulator computes flags in portable C; this
 * checks every defined flag and our documented choice for undefined ones
 * (docs/flags.md), then a sample through the public plan/execute path. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/x86emu_env.h"
#include "emul/x86_emul.h"

#define STATUS 0x8d5ull /* OF SF ZF AF PF CF */

#if defined(__x86_64__)
/* The asm pushes below RSP: step over the red zone first (SysV ABI 3.2.2). */
#define NATIVE(name, insn, T, C)                                                                   \
    static uint64_t name(uint64_t a, uint64_t b, uint64_t *fl)                                     \
    {                                                                                              \
        T x = (T)a, y = (T)b;                                                                      \
        uint64_t f = *fl;                                                                          \
        __asm__ volatile("add $-128, %%rsp\n\tpush %[f]\n\tpopf\n\t" insn                          \
                         "\n\tpushf\n\tpop %[f]\n\tsub $-128, %%rsp"                               \
                         : [x] "+" C(x), [f] "+r"(f)                                               \
                         : [y] C(y)                                                                \
                         : "cc", "memory");                                                        \
        (void)y;                                                                                   \
        *fl = f;                                                                                   \
        return (uint64_t)x;                                                                        \
    }
#define NATIVE4(op, insn)                                                                          \
    NATIVE(op##1, insn, uint8_t, "q")                                                              \
    NATIVE(op##2, insn, uint16_t, "r")                                                             \
    NATIVE(op##4, insn, uint32_t, "r")                                                             \
    NATIVE(op##8, insn, uint64_t, "r")

NATIVE4(n_add, "add %[y], %[x]")
NATIVE4(n_or, "or %[y], %[x]")
NATIVE4(n_adc, "adc %[y], %[x]")
NATIVE4(n_sbb, "sbb %[y], %[x]")
NATIVE4(n_and, "and %[y], %[x]")
NATIVE4(n_sub, "sub %[y], %[x]")
NATIVE4(n_xor, "xor %[y], %[x]")
NATIVE4(n_cmp, "cmp %[y], %[x]")
NATIVE4(n_test, "test %[y], %[x]")
NATIVE4(n_inc, "inc %[x]")
NATIVE4(n_dec, "dec %[x]")
NATIVE4(n_not, "not %[x]")
NATIVE4(n_neg, "neg %[x]")
NATIVE(n_bt2, "bt %[y], %[x]", uint16_t, "r")
NATIVE(n_bt4, "bt %[y], %[x]", uint32_t, "r")
NATIVE(n_bt8, "bt %[y], %[x]", uint64_t, "r")
NATIVE(n_bts4, "bts %[y], %[x]", uint32_t, "r")
NATIVE(n_btr8, "btr %[y], %[x]", uint64_t, "r")
NATIVE(n_btc2, "btc %[y], %[x]", uint16_t, "r")

typedef uint64_t (*native_fn)(uint64_t, uint64_t, uint64_t *);

/* Rows in mmioemu_op order (ADD..NEG); writes = the result lands in the destination. */
static const struct {
    unsigned op;
    native_fn fn[4];
    int writes;
} ops[] = {
    {MMIOEMU_OP_ADD, {n_add1, n_add2, n_add4, n_add8}, 1},
    {MMIOEMU_OP_OR, {n_or1, n_or2, n_or4, n_or8}, 1},
    {MMIOEMU_OP_ADC, {n_adc1, n_adc2, n_adc4, n_adc8}, 1},
    {MMIOEMU_OP_SBB, {n_sbb1, n_sbb2, n_sbb4, n_sbb8}, 1},
    {MMIOEMU_OP_AND, {n_and1, n_and2, n_and4, n_and8}, 1},
    {MMIOEMU_OP_SUB, {n_sub1, n_sub2, n_sub4, n_sub8}, 1},
    {MMIOEMU_OP_XOR, {n_xor1, n_xor2, n_xor4, n_xor8}, 1},
    {MMIOEMU_OP_CMP, {n_cmp1, n_cmp2, n_cmp4, n_cmp8}, 0},
    {MMIOEMU_OP_TEST, {n_test1, n_test2, n_test4, n_test8}, 0},
    {MMIOEMU_OP_INC, {n_inc1, n_inc2, n_inc4, n_inc8}, 1},
    {MMIOEMU_OP_DEC, {n_dec1, n_dec2, n_dec4, n_dec8}, 1},
    {MMIOEMU_OP_NOT, {n_not1, n_not2, n_not4, n_not8}, 1},
    {MMIOEMU_OP_NEG, {n_neg1, n_neg2, n_neg4, n_neg8}, 1},
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t x = rng_state; /* xorshift64* */
    x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* Operands biased toward the edges where flags change: 0, 1, sign bits, all ones. */
static uint64_t operand(unsigned size)
{
    static const uint64_t edge[] = {0,
                                    1,
                                    0x7f,
                                    0x80,
                                    0xff,
                                    0x7fff,
                                    0x8000,
                                    0xffff,
                                    0x7fffffff,
                                    0x80000000,
                                    0xffffffff,
                                    0x7fffffffffffffff,
                                    0x8000000000000000,
                                    ~0ull,
                                    0x0f,
                                    0x10};
    uint64_t r = rnd(), v = (r & 3) == 0 ? edge[(r >> 2) & 15] + ((r >> 6) & 1) : rnd();
    return v & (size >= 8 ? ~0ull : (1ull << (8 * size)) - 1);
}
#endif

Test(x86_emul_flags, alu_results_and_flags_match_the_cpu)
{
#if defined(__x86_64__)
    static const unsigned sizes[4] = {1, 2, 4, 8};
    rng_state = 0x9e3779b97f4a7c15ull;
    for (unsigned n = 0; n < 400000; n++) {
        unsigned o = (unsigned)(rnd() % (sizeof(ops) / sizeof(ops[0]))), si = rnd() & 3;
        unsigned size = sizes[si];
        uint64_t a = operand(size), b = operand(size);
        uint64_t fin = 0x202 | (rnd() & STATUS), fc = fin, fe = fin;
        uint64_t want = ops[o].fn[si](a, b, &fc);
        uint64_t got = x86_alu(ops[o].op, size, a, b, &fe);
        if (ops[o].writes)
            cr_assert_eq(got, want, "op %u size %u a=%llx b=%llx", ops[o].op, size,
                         (unsigned long long)a, (unsigned long long)b);
        cr_assert_eq(fe & STATUS, fc & STATUS,
                     "op %u size %u a=%llx b=%llx fin=%llx: cpu %llx emul %llx", ops[o].op, size,
                     (unsigned long long)a, (unsigned long long)b, (unsigned long long)fin,
                     (unsigned long long)(fc & STATUS), (unsigned long long)(fe & STATUS));
    }
#else
    cr_skip_test("needs an x86-64 host: the oracle is the CPU executing the instruction");
#endif
}

Test(x86_emul_flags, bit_test_flags_match_the_cpu)
{
#if defined(__x86_64__)
    static const struct {
        native_fn fn;
        unsigned op, size;
    } bt[] = {{n_bt2, MMIOEMU_OP_BT, 2},   {n_bt4, MMIOEMU_OP_BT, 4},
              {n_bt8, MMIOEMU_OP_BT, 8},   {n_bts4, MMIOEMU_OP_BTS, 4},
              {n_btr8, MMIOEMU_OP_BTR, 8}, {n_btc2, MMIOEMU_OP_BTC, 2}};
    rng_state = 0x1234567;
    for (unsigned n = 0; n < 100000; n++) {
        unsigned i = (unsigned)(rnd() % 6), size = bt[i].size;
        uint64_t a = operand(size), bit = rnd() & (8 * size - 1);
        uint64_t fin = 0x202 | (rnd() & STATUS), fc = fin, fe = fin;
        uint64_t want = bt[i].fn(a, bit, &fc) & ((size >= 8) ? ~0ull : (1ull << (8 * size)) - 1);
        uint64_t got = x86_bt(bt[i].op, a, (unsigned)bit, &fe);
        cr_assert_eq(got, want);
        cr_assert_eq(fe & STATUS, fc & STATUS, "bt op %u size %u fin %llx", bt[i].op, size,
                     (unsigned long long)fin);
    }
#else
    cr_skip_test("needs an x86-64 host: the oracle is the CPU executing the instruction");
#endif
}

Test(x86_emul_flags, memory_rmw_through_plan_and_execute_matches_the_cpu)
{
#if defined(__x86_64__)
    static x86emu_env e;
    static mmioemu_cpu cpu;
    mmioemu_ops o;
    mmioemu_policy pol = {MMIOEMU_POLICY_IDENTITY, 0, NULL};
    mmioemu_insn in;
    static const unsigned sizes[4] = {1, 2, 4, 8};
    rng_state = 42;
    x86emu_ops(&o, false, true);
    for (unsigned n = 0; n < 2000; n++) {
        unsigned k = (unsigned)(rnd() % (sizeof(ops) / sizeof(ops[0]))), si = rnd() & 3;
        unsigned size = sizes[si];
        uint64_t a = operand(size), b = operand(size), fc;
        x86emu_env_init(&e);
        x86emu_cpu(&cpu, MMIOEMU_X86_64);
        cpu.u.x86.rflags = fc = 0x202 | (rnd() & STATUS);
        cpu.u.x86.gpr[MMIOEMU_REG_RBX] = 0x4000;
        cpu.u.x86.gpr[MMIOEMU_REG_RDX] = b;
        x86emu_poke_le(&e, 0x4000, a, size);
        unsigned kind = ops[k].writes ? MMIOEMU_KIND_ALU_RMW : MMIOEMU_KIND_CMP;
        x86emu_insn(&in, MMIOEMU_X86_64, kind, size, MMIOEMU_REG_RDX, MMIOEMU_REG_RBX, 0, 3);
        in.op = (uint8_t)ops[k].op;
        uint64_t want = ops[k].fn[si](a, b, &fc);
        cr_assert_eq(x86emu_run(&o, &e, &in, &cpu, NULL, &pol, NULL), MMIOEMU_OK);
        cr_assert_eq(cpu.u.x86.rflags, fc, "op %u size %u", ops[k].op, size);
        if (ops[k].writes)
            cr_assert_eq(x86emu_peek_le(&e, 0x4000, size), want);
    }
#else
    cr_skip_test("needs an x86-64 host: the oracle is the CPU executing the instruction");
#endif
}
