/* Register names in lower-case Intel / Arm spelling, from tables indexed by
 * register number and width, so AH..BH and SPL..DIL are data, not branches. */
#include <mmioemu/mmioemu.h>

static const char *const x86_gpr[4][16] = {
    {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b",
     "r13b", "r14b", "r15b"},
    {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w",
     "r14w", "r15w"},
    {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d",
     "r13d", "r14d", "r15d"},
    {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
     "r14", "r15"},
};

static const char *const x86_high8[4] = {"ah", "ch", "dh", "bh"};

/* "xmm0".."zmm31", "b0".."q31", "w0".."x30" by string-literal pasting. */
#define R32(p)                                                                                     \
    p "0", p "1", p "2", p "3", p "4", p "5", p "6", p "7", p "8", p "9", p "10", p "11", p "12",  \
        p "13", p "14", p "15", p "16", p "17", p "18", p "19", p "20", p "21", p "22", p "23",    \
        p "24", p "25", p "26", p "27", p "28", p "29", p "30", p "31"

static const char *const x86_vec[3][32] = {{R32("xmm")}, {R32("ymm")}, {R32("zmm")}};
/* arm64 SIMD&FP by width 1,2,4,8,16 -> b,h,s,d,q */
static const char *const a64_vec[5][32] = {
    {R32("b")}, {R32("h")}, {R32("s")}, {R32("d")}, {R32("q")}};
static const char *const a64_gpr[2][32] = {{R32("w")}, {R32("x")}};

static int log2_width(unsigned w)
{
    switch (w) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    case 8: return 3;
    case 16: return 4;
    case 32: return 5;
    case 64: return 6;
    default: return -1;
    }
}

static const char *x86_name(uint8_t reg, unsigned width)
{
    int l = log2_width(width);
    if (reg < 16)
        return (l >= 0 && l <= 3) ? x86_gpr[l][reg] : "?";
    if (reg >= MMIOEMU_REG_AH && reg <= MMIOEMU_REG_BH)
        return x86_high8[reg - MMIOEMU_REG_AH];
    if (reg == MMIOEMU_REG_RIP)
        return width == 4 ? "eip" : "rip";
    if (reg >= MMIOEMU_REG_V0 && reg < MMIOEMU_REG_V0 + 32)
        return x86_vec[width >= 64 ? 2 : width == 32 ? 1 : 0][reg - MMIOEMU_REG_V0];
    return "?";
}

static const char *a64_name(uint8_t reg, unsigned width)
{
    int l = log2_width(width);
    if (reg <= 30)
        return a64_gpr[width == 8 ? 1 : 0][reg];
    if (reg == MMIOEMU_REG_SP)
        return width == 8 ? "sp" : "wsp";
    if (reg == MMIOEMU_REG_ZR)
        return width == 8 ? "xzr" : "wzr";
    if (reg == MMIOEMU_REG_RIP)
        return "pc";
    if (reg >= MMIOEMU_REG_V0 && reg < MMIOEMU_REG_V0 + 32 && l >= 0 && l <= 4)
        return a64_vec[l][reg - MMIOEMU_REG_V0];
    return "?";
}

const char *mmioemu_reg_name(mmioemu_mode mode, uint8_t reg, unsigned width)
{
    if (reg == MMIOEMU_REG_NONE)
        return "none";
    return mode == MMIOEMU_ARM64 ? a64_name(reg, width) : x86_name(reg, width);
}
