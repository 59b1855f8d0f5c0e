/* x86 emulator semantics on hand-built descriptors (mmioemu_plan +
 * mmioemu_execute): registers, addressing, string instructions, locked and
 * exchange forms, vector moves, exceptions. Each expectation cites the SDM
 * rule (or the peer bug, ARCHITECTURE.md / FIELD-NOTES.md) it comes from;
 * memory contents come from the synthetic patterns in tests/common/x86emu_env.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/x86emu_env.h"

#define M 0xfe000000ull /* the env's MMIO window */

static x86emu_env E;
static mmioemu_ops OPS;
static mmioemu_cpu C;
static mmioemu_policy P;
static mmioemu_result R;
static mmioemu_insn I;

static void fx(mmioemu_mode mode)
{
    x86emu_env_init(&E);
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

#define RAX C.u.x86.gpr[MMIOEMU_REG_RAX]
#define RCX C.u.x86.gpr[MMIOEMU_REG_RCX]
#define RSI C.u.x86.gpr[MMIOEMU_REG_RSI]
#define RDI C.u.x86.gpr[MMIOEMU_REG_RDI]
#define RBX C.u.x86.gpr[MMIOEMU_REG_RBX]

/* ---- registers (SDM Vol. 1 3.4.1.1) ---- */

Test(x86_emul, ah_without_rex_is_bits_15_8_of_rax_not_spl)
{
    fx(MMIOEMU_X86_64);
    RAX = 0x1122334455667788ull;
    C.u.x86.gpr[MMIOEMU_REG_RSP] = 0xaa;
    RBX = M;
    /* 88 23 = mov [rbx], ah (no REX): the Linux TDX bug took RSP's low byte */
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_WRITE, 1, MMIOEMU_REG_AH, MMIOEMU_REG_RBX, 0, 2);
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.nlog, 1);
    cr_assert_eq(E.log[0].data[0], 0x77);
    /* 40 88 23 = mov [rbx], spl */
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_WRITE, 1, MMIOEMU_REG_RSP, MMIOEMU_REG_RBX, 0, 3);
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.log[1].data[0], 0xaa);
}

Test(x86_emul, load_into_ah_merges_bits_15_8_only)
{
    fx(MMIOEMU_X86_64);
    RAX = 0x1122334455667788ull;
    RBX = M + 0x10;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_READ, 1, MMIOEMU_REG_AH, MMIOEMU_REG_RBX, 0, 2);
    I.ext = MMIOEMU_EXT_MERGE;
    cr_assert_eq(run(), MMIOEMU_OK);
    uint64_t b = x86emu_mmio_byte(M + 0x10);
    cr_assert_eq(RAX, 0x1122334455660088ull | (b << 8));
    cr_assert_eq(C.u.x86.rip, 2);
}

Test(x86_emul, load_into_32_bit_register_zero_extends_to_64)
{
    fx(MMIOEMU_X86_64);
    RAX = ~0ull;
    RBX = M + 0x20;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_READ, 4, MMIOEMU_REG_RAX, MMIOEMU_REG_RBX, 0, 2);
    I.ext = MMIOEMU_EXT_ZERO;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(RAX, x86emu_peek_le(&E, M + 0x20, 4));
}

Test(x86_emul, load_into_16_bit_register_merges)
{
    fx(MMIOEMU_X86_64);
    RAX = 0x1111222233334444ull;
    RBX = M + 0x30;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_READ, 2, MMIOEMU_REG_RAX, MMIOEMU_REG_RBX, 0, 3);
    I.ext = MMIOEMU_EXT_MERGE;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(RAX, 0x1111222233330000ull | x86emu_peek_le(&E, M + 0x30, 2));
}

Test(x86_emul, movzx_into_r32_clears_the_top_half)
{
    fx(MMIOEMU_X86_64);
    RAX = ~0ull;
    RBX = M + 0x41;
    /* 0F B6 03 = movzx eax, byte [rbx]: Linux left bits 63:32 stale (FIELD-NOTES.md) */
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_READ, 1, MMIOEMU_REG_RAX, MMIOEMU_REG_RBX, 0, 3);
    I.dst_size = 4;
    I.ext = MMIOEMU_EXT_ZERO;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(RAX, x86emu_mmio_byte(M + 0x41));
}

Test(x86_emul, movsx_sign_extends_and_r16_destination_merges)
{
    fx(MMIOEMU_X86_64);
    /* find an MMIO byte with bit 7 set so the sign matters */
    uint64_t a = M;
    while (!(x86emu_mmio_byte(a) & 0x80))
        a++;
    RBX = a;
    RAX = 0x123456789abcdef0ull;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_READ, 1, MMIOEMU_REG_RAX, MMIOEMU_REG_RBX, 0, 4);
    I.dst_size = 8, I.ext = MMIOEMU_EXT_SIGN; /* 48 0F BE 03 movsx rax, byte [rbx] */
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(RAX, 0xffffffffffffff00ull | x86emu_mmio_byte(a));
    RAX = 0x123456789abcdef0ull;
    I.dst_size = 2; /* 66 0F BE 03 movsx ax, byte [rbx]: bits 63:16 kept */
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(RAX, 0x123456789abcff00ull | x86emu_mmio_byte(a));
}

Test(x86_emul, movbe_swaps_bytes_both_ways)
{
    fx(MMIOEMU_X86_64);
    RBX = M + 0x100;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_READ, 4, MMIOEMU_REG_RCX, MMIOEMU_REG_RBX, 0, 4);
    I.flags = MMIOEMU_F_BSWAP, I.ext = MMIOEMU_EXT_ZERO;
    RCX = ~0ull;
    cr_assert_eq(run(), MMIOEMU_OK); /* SDM MOVBE: bytes reversed, 32-bit dst zero-extends */
    cr_assert_eq(RCX, __builtin_bswap32((uint32_t)x86emu_peek_le(&E, M + 0x100, 4)));
    RCX = 0x0102030405060708ull;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_WRITE, 8, MMIOEMU_REG_RCX, MMIOEMU_REG_RBX, 0, 5);
    I.flags = MMIOEMU_F_BSWAP;
    cr_assert_eq(run(), MMIOEMU_OK);
    const uint8_t want[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    cr_assert(memcmp(E.log[E.nlog - 1].data, want, 8) == 0);
}

Test(x86_emul, write_imm_stores_the_descriptor_immediate_at_the_access_size)
{
    fx(MMIOEMU_X86_64);
    RBX = M;
    /* 48 C7 03 ff ff ff ff: imm32 sign-extended to 8 bytes (SDM MOV C7 /0) */
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_WRITE_IMM, 8, MMIOEMU_REG_NONE, MMIOEMU_REG_RBX, 0,
                7);
    I.imm = -1;
    I.flags = MMIOEMU_F_IMM;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.log[0].len, 8);
    for (int i = 0; i < 8; i++)
        cr_assert_eq(E.log[0].data[i], 0xff);
}

/* ---- addressing ---- */

Test(x86_emul, rip_relative_counts_from_the_end_of_the_instruction)
{
    fx(MMIOEMU_X86_64);
    C.u.x86.rip = M - 0x1000;
    /* SDM Vol. 2A 2.2.1.6: RIP + disp32 uses the next instruction's address */
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_WRITE_IMM, 4, MMIOEMU_REG_NONE, MMIOEMU_REG_RIP,
                0x1000, 10);
    I.imm = 0x11223344;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, M + 10);
    cr_assert_eq(C.u.x86.rip, M - 0x1000 + 10);
}

Test(x86_emul, only_fs_and_gs_add_a_base_in_64_bit_mode)
{
    fx(MMIOEMU_X86_64);
    C.u.x86.seg[MMIOEMU_SEG_DS].base = 0x10000;
    C.u.x86.seg[MMIOEMU_SEG_ES].base = 0x10000;
    C.u.x86.seg[MMIOEMU_SEG_FS].base = 0x100;
    C.u.x86.seg[MMIOEMU_SEG_GS].base = 0x200;
    RBX = M;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_READ, 1, MMIOEMU_REG_RCX, MMIOEMU_REG_RBX, 0, 2);
    const struct {
        unsigned seg;
        uint64_t add;
    } t[] = {
        {MMIOEMU_SEG_DS, 0}, {MMIOEMU_SEG_ES, 0}, {MMIOEMU_SEG_FS, 0x100}, {MMIOEMU_SEG_GS, 0x200}};
    for (unsigned i = 0; i < 4; i++) { /* SDM Vol. 1 3.3.7.1; cloud-hypervisor added any base */
        I.mem.seg = (uint8_t)t[i].seg;
        cr_assert_eq(run(), MMIOEMU_OK);
        cr_assert_eq(E.log[i].addr, M + t[i].add, "seg %u", t[i].seg);
    }
}

Test(x86_emul, every_segment_base_counts_in_32_bit_mode)
{
    fx(MMIOEMU_X86_32);
    C.u.x86.seg[MMIOEMU_SEG_ES].base = 0x1000;
    RBX = M - 0x1000;
    x86emu_insn(&I, MMIOEMU_X86_32, MMIOEMU_KIND_READ, 4, MMIOEMU_REG_RCX, MMIOEMU_REG_RBX, 4, 3);
    I.mem.seg = MMIOEMU_SEG_ES;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, M + 4);
}

Test(x86_emul, linear_address_wraps_at_4g_between_pieces_in_32_bit_mode)
{
    fx(MMIOEMU_X86_32);
    C.u.x86.seg[MMIOEMU_SEG_DS].base = 0xfffffffe;
    RBX = 0;
    /* 8B 03 = mov eax, [ebx] at linear 0xfffffffe: outside IA-32e mode linear
     * addresses are 32 bits (SDM Vol. 3A 3.4, 4.1), so bytes 2 and 3 are at
     * linear 0 and 1, not 0x100000000 (KVM's linearize masks the same way). */
    x86emu_insn(&I, MMIOEMU_X86_32, MMIOEMU_KIND_READ, 4, MMIOEMU_REG_RAX, MMIOEMU_REG_RBX, 0, 2);
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.nlog, 2);
    cr_assert_eq(E.log[0].addr, 0xfffffffeull);
    cr_assert_eq(E.log[0].len, 2);
    cr_assert_eq(E.log[1].addr, 0);
    cr_assert_eq(E.log[1].len, 2);
    uint32_t want = (uint32_t)x86emu_ram_init(0xfffffffe) |
                    (uint32_t)x86emu_ram_init(0xffffffff) << 8 |
                    (uint32_t)x86emu_ram_init(0) << 16 | (uint32_t)x86emu_ram_init(1) << 24;
    cr_assert_eq(RAX, want);
    /* the public plan names the wrapped piece's linear address too */
    mmioemu_access_list l;
    cr_assert_eq(mmioemu_plan(&OPS, &E, &I, &C, NULL, &P, &l, NULL), MMIOEMU_OK);
    cr_assert_eq(l.count, 2);
    cr_assert_eq(l.a[1].la, 0);
    cr_assert_eq(l.a[1].offset, 2);
}

Test(x86_emul, sixteen_bit_forms_wrap_at_64k)
{
    fx(MMIOEMU_X86_16);
    C.u.x86.seg[MMIOEMU_SEG_DS].base = M;
    RBX = 0xfff0;
    RSI = 0x20;
    /* 8B 40 10 = mov ax, [bx+si+0x10]: SDM Vol. 2A Table 2-1; sum wraps at 16 bits */
    x86emu_insn(&I, MMIOEMU_X86_16, MMIOEMU_KIND_READ, 2, MMIOEMU_REG_RAX, MMIOEMU_REG_RBX, 0x10,
                3);
    I.mem.index = MMIOEMU_REG_RSI;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, M + 0x20);
}

Test(x86_emul, address_size_prefix_wraps_at_32_bits_in_64_bit_mode)
{
    fx(MMIOEMU_X86_64);
    RBX = 0x1ffffffffull; /* 67 8B 43 01: ebx + 1 = 0 at 32 bits */
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_READ, 4, MMIOEMU_REG_RAX, MMIOEMU_REG_RBX,
                (int64_t)M + 1, 4);
    I.mem.addr_size = 4;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, M);
}

Test(x86_emul, sib_index_is_scaled_by_shift)
{
    fx(MMIOEMU_X86_64);
    RBX = M;
    RCX = 3;
    /* 8B 04 8B = mov eax, [rbx+rcx*4]: SIB.ss = 2 means *4 (COCONUT got 1 << (1 << ss)) */
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_READ, 4, MMIOEMU_REG_RAX, MMIOEMU_REG_RBX, 0, 3);
    I.mem.index = MMIOEMU_REG_RCX, I.mem.shift = 2;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, M + 12);
}

Test(x86_emul, moffs_uses_the_full_64_bit_offset)
{
    fx(MMIOEMU_X86_64);
    /* 48 A1 + 8-byte offset: mov rax, [moffs64] */
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_READ, 8, MMIOEMU_REG_RAX, MMIOEMU_REG_NONE,
                (int64_t)(M + 0x88), 10);
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, M + 0x88);
    cr_assert_eq(RAX, x86emu_peek_le(&E, M + 0x88, 8));
}

Test(x86_emul, bt_register_offset_moves_the_address_signed)
{
    fx(MMIOEMU_X86_64);
    RBX = M + 0x100;
    /* 0F AB 0B = bts [rbx], ecx; SDM BT: bit offset -1 is bit 31 of the dword at -4 */
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_BT, 4, MMIOEMU_REG_RCX, MMIOEMU_REG_RBX, 0, 3);
    I.op = MMIOEMU_OP_BTS;
    RCX = 0xffffffff;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, M + 0xfc);
    uint32_t old = (uint32_t)x86emu_peek_le(&E, M + 0xfc, 4);
    cr_assert_eq(E.log[1].w, 1);
    cr_assert_eq(E.log[1].data[3], (uint8_t)((old | 0x80000000u) >> 24));
    cr_assert_eq(!!(C.u.x86.rflags & MMIOEMU_FLAG_CF), !!(old & 0x80000000u));
    RCX = 67; /* +67: dword at +8, bit 3 */
    E.nlog = 0;
    I.op = MMIOEMU_OP_BT;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, M + 0x108);
    cr_assert_eq(E.nlog, 1); /* BT only reads */
    cr_assert_eq(!!(C.u.x86.rflags & MMIOEMU_FLAG_CF), (x86emu_peek(&E, M + 0x108) >> 3) & 1);
}

Test(x86_emul, bt_immediate_offset_is_taken_modulo_the_width)
{
    fx(MMIOEMU_X86_64);
    RBX = M + 0x200;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_BT, 2, MMIOEMU_REG_NONE, MMIOEMU_REG_RBX, 0, 5);
    I.op = MMIOEMU_OP_BT, I.flags = MMIOEMU_F_IMM, I.imm = 16 + 9; /* 66 0F BA 23 19 */
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, M + 0x200);
    cr_assert_eq(!!(C.u.x86.rflags & MMIOEMU_FLAG_CF), (x86emu_peek(&E, M + 0x201) >> 1) & 1);
}

/* ---- string instructions (SDM Vol. 2B MOVS/STOS/LODS, REP) ---- */

static void movs(unsigned size, unsigned flags)
{
    x86emu_insn(&I, (mmioemu_mode)C.mode, MMIOEMU_KIND_MOVS, size, MMIOEMU_REG_NONE,
                MMIOEMU_REG_RSI, 0, 2);
    I.flags = flags;
}

Test(x86_emul, rep_movs_copies_forward_and_counts_down)
{
    fx(MMIOEMU_X86_64);
    RSI = M + 0x100, RDI = 0x5000, RCX = 3;
    movs(4, MMIOEMU_F_REP);
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(R.iterations, 3);
    cr_assert_eq(RCX, 0);
    cr_assert_eq(RSI, M + 0x10c);
    cr_assert_eq(RDI, 0x500c);
    cr_assert_eq(C.u.x86.rip, 2);
    for (unsigned i = 0; i < 12; i++)
        cr_assert_eq(x86emu_peek(&E, 0x5000 + i), x86emu_mmio_byte(M + 0x100 + i));
    cr_assert_eq(E.nlog, 6); /* read, write per element, in order */
    cr_assert(E.log[0].mmio && !E.log[0].w && !E.log[1].mmio && E.log[1].w);
}

Test(x86_emul, movs_with_df_set_steps_down)
{
    fx(MMIOEMU_X86_64);
    C.u.x86.rflags |= MMIOEMU_FLAG_DF;
    RSI = 0x6000, RDI = M + 0x40, RCX = 2;
    movs(8, MMIOEMU_F_REP);
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(RSI, 0x6000 - 16);
    cr_assert_eq(RDI, M + 0x30);
    cr_assert_eq(E.log[1].addr, M + 0x40);
    cr_assert_eq(E.log[3].addr, M + 0x38);
}

Test(x86_emul, rep_with_rcx_zero_touches_nothing_and_advances_rip)
{
    fx(MMIOEMU_X86_64);
    RSI = M, RDI = 0x5000, RCX = 0;
    movs(1, MMIOEMU_F_REP);
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.nlog, 0);
    cr_assert_eq(RSI, M);
    cr_assert_eq(C.u.x86.rip, 2);
}

Test(x86_emul, rep_budget_returns_retry_with_registers_consistent_and_rip_unchanged)
{
    fx(MMIOEMU_X86_64);
    P.rep_budget = 5;
    RSI = M, RDI = 0x5000, RCX = 12;
    C.u.x86.rip = 0x1000;
    movs(2, MMIOEMU_F_REP);
    cr_assert_eq(run(), MMIOEMU_ERR_RETRY);
    cr_assert_eq(R.iterations, 5);
    cr_assert_eq(RCX, 7);
    cr_assert_eq(RSI, M + 10);
    cr_assert_eq(RDI, 0x500a);
    cr_assert_eq(C.u.x86.rip, 0x1000);
    /* re-entering finishes the rest: 5 + 2 more */
    cr_assert_eq(run(), MMIOEMU_ERR_RETRY);
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(RCX, 0);
    cr_assert_eq(RDI, 0x5018);
    cr_assert_eq(C.u.x86.rip, 0x1002);
}

Test(x86_emul, address_size_prefix_wraps_string_registers_and_zero_extends)
{
    fx(MMIOEMU_X86_64);
    /* 67 F3 A4: ESI/EDI/ECX; 32-bit register writes clear bits 63:32 (SDM Vol. 1 3.4.1.1) */
    RSI = 0xaaaa0000ffffffffull, RDI = 0xbbbb000000005000ull, RCX = 0xcccc000000000002ull;
    movs(1, MMIOEMU_F_REP);
    I.mem.addr_size = 4;
    E.mmio_base = 0;
    E.mmio_size = 0x1000;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.log[0].addr, 0xffffffffull);
    cr_assert_eq(E.log[2].addr, 0);
    cr_assert_eq(RSI, 1);
    cr_assert_eq(RDI, 0x5002);
    cr_assert_eq(RCX, 0);
}

Test(x86_emul, stos_and_lods_use_the_accumulator)
{
    fx(MMIOEMU_X86_64);
    RAX = 0x1122334455667788ull;
    RDI = M + 0x10, RCX = 2;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_STOS, 2, MMIOEMU_REG_RAX, MMIOEMU_REG_RDI, 0, 3);
    I.flags = MMIOEMU_F_REP;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.nlog, 2);
    cr_assert_eq(E.log[1].addr, M + 0x12);
    cr_assert_eq(E.log[1].data[0], 0x88);
    cr_assert_eq(E.log[1].data[1], 0x77);
    RSI = M + 0x20;
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_LODS, 1, MMIOEMU_REG_RAX, MMIOEMU_REG_RSI, 0, 1);
    cr_assert_eq(run(), MMIOEMU_OK); /* AC: al only */
    cr_assert_eq(RAX, 0x1122334455667700ull | x86emu_mmio_byte(M + 0x20));
    cr_assert_eq(RSI, M + 0x21);
}

Test(x86_emul, repe_cmps_stops_at_the_first_difference)
{
    fx(MMIOEMU_X86_64);
    RSI = 0x7000, RDI = 0x8000, RCX = 10;
    for (int i = 0; i < 3; i++)
        x86emu_poke(&E, 0x8000 + i, x86emu_ram_init(0x7000 + i));
    x86emu_poke(&E, 0x8003, (uint8_t)(x86emu_ram_init(0x7003) + 1));
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_CMPS, 1, MMIOEMU_REG_NONE, MMIOEMU_REG_RSI, 0, 2);
    I.flags = MMIOEMU_F_REP;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(R.iterations, 4);
    cr_assert_eq(RCX, 6);
    cr_assert_not(C.u.x86.rflags & MMIOEMU_FLAG_ZF);
}

Test(x86_emul, no_string_policy_refuses_string_instructions)
{
    fx(MMIOEMU_X86_64);
    P.flags |= MMIOEMU_POLICY_NO_STRING;
    RSI = M, RDI = 0x5000;
    movs(1, 0);
    cr_assert_eq(run(), MMIOEMU_ERR_DENIED);
    cr_assert_eq(E.nlog, 0);
}

Test(x86_emul, rep_with_ecx_zero_under_67_still_clears_the_high_halves)
{
    fx(MMIOEMU_X86_64);
    /* 67 F3 A4 with ECX = 0: no element, but KVM on Intel (string_registers_quirk)
     * and the CPU clear bits 63:32 of RCX, RSI, RDI (docs/flags.md) */
    RSI = 0x1111111100000010ull, RDI = 0x2222222200000020ull, RCX = 0x3333333300000000ull;
    movs(1, MMIOEMU_F_REP);
    I.mem.addr_size = 4;
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(E.nlog, 0);
    cr_assert_eq(RCX, 0);
    cr_assert_eq(RSI, 0x10);
    cr_assert_eq(RDI, 0x20);
    cr_assert_eq(C.u.x86.rip, 2);
}

Test(x86_emul, rep_movs_checks_the_fault_only_against_the_first_element)
{
    fx(MMIOEMU_X86_64);
    mmioemu_fault f = {0};
    /* the trap reports the destination of the first element (a write) */
    f.flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_DIR | MMIOEMU_FAULT_WRITE;
    f.gla = M + 0xffc;
    RSI = 0x9000, RDI = M + 0xffc, RCX = 4; /* elements 2..4 cross into the next page */
    movs(4, MMIOEMU_F_REP);
    cr_assert_eq(x86emu_run(&OPS, &E, &I, &C, &f, &P, &R), MMIOEMU_OK);
    cr_assert_eq(R.iterations, 4);
    cr_assert_eq(RDI, M + 0x100c);
    f.gla = M + 0x2000; /* neither operand of the first element */
    RSI = 0x9000, RDI = M + 0xffc, RCX = 4;
    cr_assert_eq(x86emu_run(&OPS, &E, &I, &C, &f, &P, &R), MMIOEMU_ERR_ADDRESS_MISMATCH);
    cr_assert_eq(RCX, 4);
}

Test(x86_emul, public_plan_of_a_string_instruction_is_its_next_element)
{
    fx(MMIOEMU_X86_64);
    mmioemu_access_list l;
    RSI = M + 0x10, RDI = 0x4000, RCX = 3;
    movs(2, MMIOEMU_F_REP);
    cr_assert_eq(mmioemu_plan(&OPS, &E, &I, &C, NULL, &P, &l, &R), MMIOEMU_OK);
    cr_assert_eq(l.count, 2); /* source read, then destination write (ACC_SECOND) */
    cr_assert_eq(l.a[0].la, M + 0x10);
    cr_assert(l.a[0].flags & MMIOEMU_ACC_MMIO);
    cr_assert_eq(l.a[1].la, 0x4000);
    cr_assert(l.a[1].flags & MMIOEMU_ACC_WRITE);
    cr_assert(l.a[1].flags & MMIOEMU_ACC_SECOND);
    cr_assert_eq(mmioemu_execute(&OPS, &E, &I, &l, &C, &P, &R), MMIOEMU_OK);
    cr_assert_eq(R.iterations, 3);
    cr_assert_eq(RDI, 0x4006);
}

Test(x86_emul, string_destination_is_checked_against_es_in_32_bit_mode)
{
    fx(MMIOEMU_X86_32);
    C.u.x86.seg[MMIOEMU_SEG_ES].limit = 0x1fff;
    C.u.x86.seg[MMIOEMU_SEG_ES].base = M;
    RSI = 0x100, RDI = 0x1ffe, RCX = 2;
    movs(2, MMIOEMU_F_REP);
    /* element 1 ends at 0x1fff: fine; element 2 at 0x2000 is past ES.limit: #GP(0)
     * after one element, which stays done (SDM: REP state is kept on a fault) */
    cr_assert_eq(run(), MMIOEMU_ERR_EXCEPTION);
    cr_assert_eq(R.vector, 13);
    cr_assert_eq(R.iterations, 1);
    cr_assert_eq(RCX, 1);
    cr_assert_eq(RDI, 0x2000);
    cr_assert_eq(C.u.x86.rip, 0);
}

Test(x86_emul, repne_scas_stops_at_the_matching_byte)
{
    fx(MMIOEMU_X86_64);
    RAX = 0x42;
    RDI = 0x7100, RCX = 16;
    x86emu_poke(&E, 0x7105, 0x42);
    for (int i = 0; i < 5; i++)
        x86emu_poke(&E, 0x7100 + i, 0);
    x86emu_insn(&I, MMIOEMU_X86_64, MMIOEMU_KIND_SCAS, 1, MMIOEMU_REG_RAX, MMIOEMU_REG_RDI, 0, 2);
    I.flags = MMIOEMU_F_REPNE; /* F2 AE: SDM REPNE terminates when ZF = 1 */
    cr_assert_eq(run(), MMIOEMU_OK);
    cr_assert_eq(R.iterations, 6);
    cr_assert_eq(RDI, 0x7106);
    cr_assert_eq(RCX, 10);
    cr_assert(C.u.x86.rflags & MMIOEMU_FLAG_ZF);
}

Test(x86_emul, sixteen_bit_string_registers_wrap_and_keep_their_high_bits)
{
    fx(MMIOEMU_X86_16);
    C.u.x86.seg[MMIOEMU_SEG_DS].base = M;
    C.u.x86.seg[MMIOEMU_SEG_ES].base = 0x20000;
    RSI = 0xabcd0000ffffull, RDI = 0x1234fffeull, RCX = 0x99990002ull;
    movs(1, MMIOEMU_F_REP);
    cr_assert_eq(run(), MMIOEMU_OK);
    /* SDM: with a 16-bit address size SI/DI/CX are used and wrap; bits above 15 stay */
    cr_assert_eq(E.log[2].addr, M); /* second element: SI wrapped to 0 */
    cr_assert_eq(RSI, 0xabcd00000001ull);
    cr_assert_eq(RDI, 0x12340000ull);
    cr_assert_eq(RCX, 0x99990000ull);
}
