/* The shared planner (emul/access.h): page and region splitting, physical
 * addresses, MMIO/RAM marking, policy, the fault check, and operand data
 * movement. Expected values follow from the contract in emul/access.h and
 * include/mmioemu/emulate.h plus the 4 KiB page size (SDM Vol. 3A 4.3). */
#include <criterion/criterion.h>
#include <string.h>

#include "common/x86emu_env.h"
#include "emul/access.h"

static x86emu_env E;
static mmioemu_ops OPS;
static mmioemu_policy POL;
static mmioemu_fault F;

static void setup(bool translate, bool is_mmio, uint32_t policy_flags)
{
    x86emu_env_init(&E);
    x86emu_ops(&OPS, translate, is_mmio);
    memset(&POL, 0, sizeof(POL));
    POL.flags = policy_flags;
    memset(&F, 0, sizeof(F));
}

static plan_ctx ctx_of(const mmioemu_fault *f)
{
    plan_ctx pc = {&OPS, &E, f, &POL, true};
    return pc;
}

static mmioemu_status add(const plan_ctx *pc, uint64_t la, uint32_t size, uint16_t flags, bool rmw,
                          mmioemu_access_list *l)
{
    plan_operand op = {la, size, flags, rmw, false};
    return plan_add_operand(pc, &op, l);
}

Test(access, operand_inside_one_page_is_one_piece_with_the_fault_gpa)
{
    setup(false, false, 0);
    F.flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA;
    F.gla = 0x7f0000001234;
    F.gpa = 0xfe001234;
    plan_ctx pc = ctx_of(&F);
    mmioemu_access_list l = {0};
    cr_assert_eq(add(&pc, 0x7f0000001230, 8, 0, false, &l), MMIOEMU_OK);
    cr_assert_eq(l.count, 1);
    /* emulate.h: the faulting page's physical address comes from the GPA */
    cr_assert_eq(l.a[0].pa, 0xfe001230);
    cr_assert_eq(l.a[0].size, 8);
    /* access.h: without regions or is_mmio, the faulting page is MMIO */
    cr_assert(l.a[0].flags & MMIOEMU_ACC_MMIO);
}

Test(access, page_crossing_operand_splits_at_the_4k_boundary)
{
    setup(true, true, 0);
    E.translate_add = 0x100000000ull;
    F.flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA;
    F.gla = 0x5000ffd;
    F.gpa = 0xfe000ffd;
    plan_ctx pc = ctx_of(&F);
    mmioemu_access_list l = {0};
    cr_assert_eq(add(&pc, 0x5000ffd, 8, MMIOEMU_ACC_WRITE, false, &l), MMIOEMU_OK);
    cr_assert_eq(l.count, 2);
    cr_assert_eq(l.a[0].la, 0x5000ffd);
    cr_assert_eq(l.a[0].size, 3);
    cr_assert_eq(l.a[0].offset, 0);
    cr_assert(l.a[0].flags & MMIOEMU_ACC_MMIO);
    cr_assert(l.a[0].flags & MMIOEMU_ACC_WRITE);
    /* the far page's physical address comes from translate, and it is RAM */
    cr_assert_eq(l.a[1].la, 0x5001000);
    cr_assert_eq(l.a[1].pa, 0x105001000ull);
    cr_assert_eq(l.a[1].size, 5);
    cr_assert_eq(l.a[1].offset, 3);
    cr_assert_not(l.a[1].flags & MMIOEMU_ACC_MMIO);
}

Test(access, far_page_without_translate_or_identity_is_denied)
{
    setup(false, false, 0);
    F.flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA;
    F.gla = 0x5000ffe;
    F.gpa = 0xfe000ffe;
    plan_ctx pc = ctx_of(&F);
    mmioemu_access_list l = {0};
    /* ARCHITECTURE.md: "Without translate, such a piece is refused, never guessed." */
    cr_assert_eq(add(&pc, 0x5000ffe, 4, 0, false, &l), MMIOEMU_ERR_DENIED);
}

Test(access, identity_policy_gives_linear_as_physical)
{
    setup(false, true, MMIOEMU_POLICY_IDENTITY);
    plan_ctx pc = ctx_of(NULL);
    mmioemu_access_list l = {0};
    cr_assert_eq(add(&pc, 0xfe000ffc, 8, 0, false, &l), MMIOEMU_OK);
    cr_assert_eq(l.count, 2);
    cr_assert_eq(l.a[0].pa, 0xfe000ffc);
    cr_assert_eq(l.a[1].pa, 0xfe001000);
    cr_assert(l.a[0].flags & l.a[1].flags & MMIOEMU_ACC_MMIO);
}

Test(access, no_split_policy_refuses_a_page_crossing_operand)
{
    setup(true, true, MMIOEMU_POLICY_NO_SPLIT);
    plan_ctx pc = ctx_of(NULL);
    mmioemu_access_list l = {0};
    /* Linux TDX refuses page-crossing MMIO (ARCHITECTURE.md) */
    cr_assert_eq(add(&pc, 0xfe000fff, 2, 0, false, &l), MMIOEMU_ERR_SPLIT);
    cr_assert_eq(add(&pc, 0xfe000ffe, 2, 0, false, &l), MMIOEMU_OK);
}

Test(access, no_ram_policy_refuses_ram_pieces)
{
    setup(true, true, MMIOEMU_POLICY_NO_RAM);
    plan_ctx pc = ctx_of(NULL);
    mmioemu_access_list l = {0};
    cr_assert_eq(add(&pc, 0x1000, 4, 0, false, &l), MMIOEMU_ERR_DENIED);
    cr_assert_eq(add(&pc, 0xfe000000, 4, 0, false, &l), MMIOEMU_OK);
}

Test(access, regions_only_refuses_mmio_outside_regions_and_honours_attributes)
{
    mmioemu_region slots[4];
    mmioemu_region_table t;
    setup(true, true, MMIOEMU_POLICY_REGIONS_ONLY);
    cr_assert_eq(mmioemu_region_init(&t, slots, 4, 0), MMIOEMU_OK);
    cr_assert_eq(mmioemu_region_map(&t, 0xfe000000, 0x1000, 0), MMIOEMU_OK);
    cr_assert_eq(mmioemu_region_map(&t, 0xfe001000, 0x1000, MMIOEMU_REGION_READ_ONLY), MMIOEMU_OK);
    cr_assert_eq(mmioemu_region_map(&t, 0xfe002000, 0x1000, MMIOEMU_REGION_WRITE_ONLY), MMIOEMU_OK);
    POL.regions = &t;
    plan_ctx pc = ctx_of(NULL);
    mmioemu_access_list l = {0};
    cr_assert_eq(add(&pc, 0xfe000010, 4, 0, false, &l), MMIOEMU_OK);
    cr_assert(l.a[0].flags & MMIOEMU_ACC_MMIO);
    l.count = 0; /* is_mmio says MMIO, but no region maps it */
    cr_assert_eq(add(&pc, 0xfe800000, 4, 0, false, &l), MMIOEMU_ERR_DENIED);
    l.count = 0;
    cr_assert_eq(add(&pc, 0xfe001000, 4, 0, false, &l), MMIOEMU_OK);
    cr_assert_eq(add(&pc, 0xfe001000, 4, MMIOEMU_ACC_WRITE, false, &l), MMIOEMU_ERR_DENIED);
    cr_assert_eq(add(&pc, 0xfe001000, 4, MMIOEMU_ACC_WRITE, true, &l), MMIOEMU_ERR_DENIED);
    cr_assert_eq(add(&pc, 0xfe002000, 4, 0, false, &l), MMIOEMU_ERR_DENIED);
    l.count = 0;
    cr_assert_eq(add(&pc, 0xfe002000, 4, MMIOEMU_ACC_WRITE, false, &l), MMIOEMU_OK);
}

Test(access, region_boundary_inside_a_page_splits_the_operand)
{
    mmioemu_region slots[2];
    mmioemu_region_table t;
    setup(false, false, MMIOEMU_POLICY_IDENTITY);
    cr_assert_eq(mmioemu_region_init(&t, slots, 2, 16), MMIOEMU_OK);
    cr_assert_eq(mmioemu_region_map(&t, 0x2000, 0x800, 0), MMIOEMU_OK);
    POL.regions = &t;
    plan_ctx pc = ctx_of(NULL);
    mmioemu_access_list l = {0};
    cr_assert_eq(add(&pc, 0x27fa, 16, 0, false, &l), MMIOEMU_OK);
    cr_assert_eq(l.count, 2);
    cr_assert_eq(l.a[0].size, 6);
    cr_assert(l.a[0].flags & MMIOEMU_ACC_MMIO);
    cr_assert_eq(l.a[1].size, 10); /* RAM after the region, merged over granules */
    cr_assert_eq(l.a[1].offset, 6);
    cr_assert_not(l.a[1].flags & MMIOEMU_ACC_MMIO);
}

Test(access, is_mmio_span_splits_the_operand)
{
    setup(false, true, MMIOEMU_POLICY_IDENTITY);
    E.mmio_base = 0x3004;
    E.mmio_size = 4;
    plan_ctx pc = ctx_of(NULL);
    mmioemu_access_list l = {0};
    cr_assert_eq(add(&pc, 0x3000, 16, 0, false, &l), MMIOEMU_OK);
    cr_assert_eq(l.count, 3);
    cr_assert_eq(l.a[0].size, 4);
    cr_assert_not(l.a[0].flags & MMIOEMU_ACC_MMIO);
    cr_assert_eq(l.a[1].size, 4);
    cr_assert(l.a[1].flags & MMIOEMU_ACC_MMIO);
    cr_assert_eq(l.a[2].size, 8);
    cr_assert_not(l.a[2].flags & MMIOEMU_ACC_MMIO);
}

Test(access, more_pieces_than_the_list_holds_is_unsupported)
{
    mmioemu_region slots[16];
    mmioemu_region_table t;
    setup(false, false, MMIOEMU_POLICY_IDENTITY);
    cr_assert_eq(mmioemu_region_init(&t, slots, 16, 16), MMIOEMU_OK);
    for (int i = 0; i < 8; i++) /* adjacent 16-byte regions: pieces never span two */
        cr_assert_eq(mmioemu_region_map(&t, 0x4000 + 16 * i, 16, 0), MMIOEMU_OK);
    POL.regions = &t;
    plan_ctx pc = ctx_of(NULL);
    mmioemu_access_list l = {0};
    cr_assert_eq(add(&pc, 0x4008, 64, 0, false, &l), MMIOEMU_OK);
    cr_assert_eq(l.count, 5); /* 8 + 16 + 16 + 16 + 8 */
    /* emulate.h: MMIOEMU_MAX_ACCESSES = 8; a second such operand does not fit */
    cr_assert_eq(add(&pc, 0x4008, 64, MMIOEMU_ACC_SECOND, false, &l), MMIOEMU_ERR_UNSUPPORTED);
}

Test(access, fault_gla_must_fall_inside_an_operand)
{
    setup(false, false, 0);
    F.flags = MMIOEMU_FAULT_GLA;
    plan_operand op = {0x1000, 8, 0, false, false};
    plan_ctx pc = ctx_of(&F);
    F.gla = 0x1007;
    cr_assert_eq(plan_check_fault(&pc, &op, 1), MMIOEMU_OK);
    F.gla = 0x1008; /* CVE-2024-25742: not this instruction's address */
    cr_assert_eq(plan_check_fault(&pc, &op, 1), MMIOEMU_ERR_ADDRESS_MISMATCH);
    F.gla = 0xfff;
    cr_assert_eq(plan_check_fault(&pc, &op, 1), MMIOEMU_ERR_ADDRESS_MISMATCH);
    pc.check_fault = false;
    cr_assert_eq(plan_check_fault(&pc, &op, 1), MMIOEMU_OK);
}

Test(access, fault_direction_must_match_the_operand)
{
    setup(false, false, 0);
    F.flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_DIR | MMIOEMU_FAULT_WRITE;
    F.gla = 0x1000;
    plan_operand rd = {0x1000, 4, 0, false, false};
    plan_operand wr = {0x1000, 4, MMIOEMU_ACC_WRITE, false, false};
    plan_operand rmw = {0x1000, 4, MMIOEMU_ACC_WRITE, true, false};
    plan_ctx pc = ctx_of(&F);
    cr_assert_eq(plan_check_fault(&pc, &rd, 1), MMIOEMU_ERR_ADDRESS_MISMATCH);
    cr_assert_eq(plan_check_fault(&pc, &wr, 1), MMIOEMU_OK);
    cr_assert_eq(plan_check_fault(&pc, &rmw, 1), MMIOEMU_OK);
    F.flags &= ~(uint32_t)MMIOEMU_FAULT_WRITE; /* a read fault */
    cr_assert_eq(plan_check_fault(&pc, &rd, 1), MMIOEMU_OK);
    cr_assert_eq(plan_check_fault(&pc, &wr, 1), MMIOEMU_ERR_ADDRESS_MISMATCH);
    cr_assert_eq(plan_check_fault(&pc, &rmw, 1), MMIOEMU_OK);
}

Test(access, fault_check_considers_every_operand)
{
    setup(false, false, 0);
    F.flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_DIR | MMIOEMU_FAULT_WRITE;
    F.gla = 0x9004;
    plan_operand ops[2] = {{0x1000, 8, 0, false, false},
                           {0x9000, 8, MMIOEMU_ACC_WRITE, false, false}};
    plan_ctx pc = ctx_of(&F);
    cr_assert_eq(plan_check_fault(&pc, ops, 2), MMIOEMU_OK);
    cr_assert_eq(plan_check_fault(&pc, ops, 1), MMIOEMU_ERR_ADDRESS_MISMATCH);
}

Test(access, gpa_only_fault_is_checked_by_page_offset)
{
    setup(false, false, 0);
    F.flags = MMIOEMU_FAULT_GPA;
    plan_operand op = {0x7ffe, 4, 0, false, false}; /* bytes at page offsets ffe fff 000 001 */
    plan_ctx pc = ctx_of(&F);
    F.gpa = 0xfe000001;
    cr_assert_eq(plan_check_fault(&pc, &op, 1), MMIOEMU_OK);
    F.gpa = 0xfe000fff;
    cr_assert_eq(plan_check_fault(&pc, &op, 1), MMIOEMU_OK);
    F.gpa = 0xfe000002;
    cr_assert_eq(plan_check_fault(&pc, &op, 1), MMIOEMU_ERR_ADDRESS_MISMATCH);
}

Test(access, gla_and_gpa_with_different_page_offsets_are_a_mismatch)
{
    setup(false, false, 0);
    F.flags = MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA;
    F.gla = 0x1000;
    F.gpa = 0xfe000008; /* one trap names one byte: the page offsets must agree */
    plan_operand op = {0x1000, 16, 0, false, false};
    plan_ctx pc = ctx_of(&F);
    cr_assert_eq(plan_check_fault(&pc, &op, 1), MMIOEMU_ERR_ADDRESS_MISMATCH);
}

Test(access, read_operand_assembles_split_pieces_in_operand_order)
{
    setup(false, true, MMIOEMU_POLICY_IDENTITY);
    plan_ctx pc = ctx_of(NULL);
    mmioemu_access_list l = {0};
    uint8_t buf[8];
    cr_assert_eq(add(&pc, 0xfdfffffc, 8, 0, false, &l), MMIOEMU_OK); /* RAM | MMIO */
    cr_assert_eq(l.count, 2);
    cr_assert_eq(exec_read_operand(&OPS, &E, &l, false, buf), MMIOEMU_OK);
    for (unsigned i = 0; i < 8; i++) {
        uint64_t a = 0xfdfffffc + i;
        uint8_t want = a < 0xfe000000 ? x86emu_ram_init(a) : x86emu_mmio_byte(a);
        cr_assert_eq(buf[i], want, "byte %u", i);
    }
    cr_assert_eq(E.nlog, 2);
    cr_assert_eq(E.log[0].mmio, 0);
    cr_assert_eq(E.log[1].mmio, 1);
}

Test(access, missing_callback_is_unsupported_before_any_access)
{
    setup(false, true, MMIOEMU_POLICY_IDENTITY);
    plan_ctx pc = ctx_of(NULL);
    mmioemu_access_list l = {0};
    uint8_t buf[8] = {0};
    cr_assert_eq(add(&pc, 0xfdfffffc, 8, MMIOEMU_ACC_WRITE, false, &l), MMIOEMU_OK);
    OPS.mmio_write = NULL; /* the second piece would need it */
    cr_assert_eq(exec_write_operand(&OPS, &E, &l, false, buf), MMIOEMU_ERR_UNSUPPORTED);
    cr_assert_eq(E.calls, 0);
}

Test(access, failing_callback_is_reported_as_callback)
{
    setup(false, true, MMIOEMU_POLICY_IDENTITY);
    plan_ctx pc = ctx_of(NULL);
    mmioemu_access_list l = {0};
    uint8_t buf[8];
    cr_assert_eq(add(&pc, 0xfe000000, 8, 0, false, &l), MMIOEMU_OK);
    E.fail_at = 1;
    cr_assert_eq(exec_read_operand(&OPS, &E, &l, false, buf), MMIOEMU_ERR_CALLBACK);
}

Test(emulate_entry, arm64_isv_syndrome_needs_no_fetch)
{
    static mmioemu_cpu cpu;
    mmioemu_result res;
    setup(false, true, 0);
    memset(&cpu, 0, sizeof(cpu));
    cpu.mode = MMIOEMU_ARM64;
    cpu.u.arm64.el = 1;
    cpu.u.arm64.pc = 0x40000;
    /* Arm ARM D17.2.40 ESR_ELx, EC 0x24 data abort: IL, ISV, SAS=3 (8 bytes),
     * SRT=2, SF=1, WnR=0 -> "LDR X2, [..]" at the fault address */
    F.flags = MMIOEMU_FAULT_ESR | MMIOEMU_FAULT_GLA | MMIOEMU_FAULT_GPA;
    F.syndrome = (0x24ull << 26) | (1u << 25) | (1u << 24) | (3u << 22) | (2u << 16) | (1u << 15);
    F.gla = 0xfe000010;
    F.gpa = 0xfe000010;
    mmioemu_status s = mmioemu_emulate(&OPS, &E, &cpu, &F, &POL, &res);
    if (s == MMIOEMU_ERR_UNSUPPORTED)
        cr_skip_test("arm64 emulator not built yet (a64_plan returned UNSUPPORTED)");
    cr_assert_eq(s, MMIOEMU_OK);
    cr_assert_eq(E.fetches, 0);
    cr_assert_eq(cpu.u.arm64.x[2], x86emu_peek_le(&E, 0xfe000010, 8));
    cr_assert_eq(cpu.u.arm64.pc, 0x40004);
}

Test(emulate_entry, user_mode_is_refused_before_any_fetch)
{
    static mmioemu_cpu cpu;
    setup(false, true, 0);
    memset(&cpu, 0, sizeof(cpu));
    cpu.mode = MMIOEMU_X86_64;
    cpu.u.x86.cpl = 3;
    cr_assert_eq(mmioemu_emulate(&OPS, &E, &cpu, NULL, &POL, NULL), MMIOEMU_ERR_DENIED);
    cr_assert_eq(E.fetches, 0);
    cpu.mode = MMIOEMU_ARM64; /* EL0 likewise */
    cpu.u.arm64.el = 0;
    cr_assert_eq(mmioemu_emulate(&OPS, &E, &cpu, NULL, &POL, NULL), MMIOEMU_ERR_DENIED);
    cr_assert_eq(E.fetches, 0);
}
