/* Form table of the x86 MMIO-form generator, transcribed row by row from
 * the SDM Vol. 2 opcode tables (Appendix A one- and two-byte maps and the
 * instruction pages). Rows with ext -2 take a random group-1 /digit; rows
 * named "alu*" take a random ALU operation in opcode bits 5:3. */
#include "x86gen_forms.h"
#include "x86gen_gen.h"

#define G(g) X86GEN_G_##g
#define R (F_REQ)
#define W (F_WRITE)

const x86gen_form x86gen_form_table[] = {
    /* name, group, enc, pfx, map, op, ext, msz, imm, flags, undef, vl */
    /* SDM MOV: 88 /r, 89 /r, 8A /r, 8B /r, C6 /0 ib, C7 /0 iz, A0-A3 moffs */
    {"mov m8,r8", G(MOV), E_LEG, 0, 0, 0x88, -1, S_B, I_NONE, R | W, 0, 0},
    {"mov mv,rv", G(MOV), E_LEG, 0, 0, 0x89, -1, S_V, I_NONE, R | W, 0, 0},
    {"mov r8,m8", G(MOV), E_LEG, 0, 0, 0x8a, -1, S_B, I_NONE, R, 0, 0},
    {"mov rv,mv", G(MOV), E_LEG, 0, 0, 0x8b, -1, S_V, I_NONE, R, 0, 0},
    {"mov m8,imm8", G(MOV), E_LEG, 0, 0, 0xc6, 0, S_B, I_B, R | W, 0, 0},
    {"mov mv,immz", G(MOV), E_LEG, 0, 0, 0xc7, 0, S_V, I_Z, R | W, 0, 0},
    {"mov al,moffs", G(MOV), E_MOFFS, 0, 0, 0xa0, -1, S_B, I_NONE, R | F_ACC, 0, 0},
    {"mov eax,moffs", G(MOV), E_MOFFS, 0, 0, 0xa1, -1, S_V, I_NONE, R | F_ACC, 0, 0},
    {"mov moffs,al", G(MOV), E_MOFFS, 0, 0, 0xa2, -1, S_B, I_NONE, R | W | F_ACC, 0, 0},
    {"mov moffs,eax", G(MOV), E_MOFFS, 0, 0, 0xa3, -1, S_V, I_NONE, R | W | F_ACC, 0, 0},
    /* MOVZX 0F B6/B7, MOVSX 0F BE/BF, MOVSXD 63 /r, MOVBE 0F 38 F0/F1, MOVNTI 0F C3 */
    {"movzx rv,m8", G(MOVX), E_LEG, 0, 1, 0xb6, -1, S_B, I_NONE, R | F_REGV, 0, 0},
    {"movzx rv,m16", G(MOVX), E_LEG, 0, 1, 0xb7, -1, S_W, I_NONE, R | F_REGV, 0, 0},
    {"movsx rv,m8", G(MOVX), E_LEG, 0, 1, 0xbe, -1, S_B, I_NONE, R | F_REGV, 0, 0},
    {"movsx rv,m16", G(MOVX), E_LEG, 0, 1, 0xbf, -1, S_W, I_NONE, R | F_REGV, 0, 0},
    {"movsxd rv,mv", G(MOVX), E_LEG, 0, 0, 0x63, -1, S_V, I_NONE, R, 0, 0},
    {"movbe rv,mv", G(MOVX), E_LEG, 0, 2, 0xf0, -1, S_V, I_NONE, R, 0, 0},
    {"movbe mv,rv", G(MOVX), E_LEG, 0, 2, 0xf1, -1, S_V, I_NONE, R | W, 0, 0},
    {"movnti m32/64,r", G(MOVX), E_LEG, 0, 1, 0xc3, -1, S_V32, I_NONE, R | W, 0, 0},
    /* MOVS A4/A5, STOS AA/AB, LODS AC/AD (SDM Vol. 2B) */
    {"movsb", G(STRING), E_STR, 0, 0, 0xa4, -1, S_B, I_NONE, R | W, 0, 0},
    {"movs v", G(STRING), E_STR, 0, 0, 0xa5, -1, S_V, I_NONE, R | W, 0, 0},
    {"stosb", G(STRING), E_STR, 0, 0, 0xaa, -1, S_B, I_NONE, R | W | F_STOS, 0, 0},
    {"stos v", G(STRING), E_STR, 0, 0, 0xab, -1, S_V, I_NONE, R | W | F_STOS, 0, 0},
    {"lodsb", G(STRING), E_STR, 0, 0, 0xac, -1, S_B, I_NONE, R | F_LODS, 0, 0},
    {"lods v", G(STRING), E_STR, 0, 0, 0xad, -1, S_V, I_NONE, R | F_LODS, 0, 0},
    /* ALU 00-3F (op in bits 5:3): x0 Eb,Gb; x1 Ev,Gv; x2 Gb,Eb; x3 Gv,Ev */
    {"alu m8,r8", G(ALU), E_LEG, 0, 0, 0x00, -1, S_B, I_NONE, R | W | F_LOCK, 0, 0},
    {"alu mv,rv", G(ALU), E_LEG, 0, 0, 0x01, -1, S_V, I_NONE, R | W | F_LOCK, 0, 0},
    {"alu r8,m8", G(ALU), E_LEG, 0, 0, 0x02, -1, S_B, I_NONE, R, 0, 0},
    {"alu rv,mv", G(ALU), E_LEG, 0, 0, 0x03, -1, S_V, I_NONE, R, 0, 0},
    /* group 1: 80 /n ib, 81 /n iz, 83 /n ib (sign-extended) */
    {"grp1 m8,imm8", G(ALU), E_LEG, 0, 0, 0x80, -2, S_B, I_B, R | W | F_LOCK, 0, 0},
    {"grp1 mv,immz", G(ALU), E_LEG, 0, 0, 0x81, -2, S_V, I_Z, R | W | F_LOCK, 0, 0},
    {"grp1 mv,imm8", G(ALU), E_LEG, 0, 0, 0x83, -2, S_V, I_B, R | W | F_LOCK, 0, 0},
    /* TEST 84/85 /r, F6/F7 /0 */
    {"test m8,r8", G(ALU), E_LEG, 0, 0, 0x84, -1, S_B, I_NONE, R, UF_LOGIC, 0},
    {"test mv,rv", G(ALU), E_LEG, 0, 0, 0x85, -1, S_V, I_NONE, R, UF_LOGIC, 0},
    {"test m8,imm8", G(ALU), E_LEG, 0, 0, 0xf6, 0, S_B, I_B, R, UF_LOGIC, 0},
    {"test mv,immz", G(ALU), E_LEG, 0, 0, 0xf7, 0, S_V, I_Z, R, UF_LOGIC, 0},
    /* INC/DEC FE/FF /0 /1, NOT/NEG F6/F7 /2 /3 */
    {"inc m8", G(UNARY), E_LEG, 0, 0, 0xfe, 0, S_B, I_NONE, R | W | F_LOCK, 0, 0},
    {"dec m8", G(UNARY), E_LEG, 0, 0, 0xfe, 1, S_B, I_NONE, R | W | F_LOCK, 0, 0},
    {"inc mv", G(UNARY), E_LEG, 0, 0, 0xff, 0, S_V, I_NONE, R | W | F_LOCK, 0, 0},
    {"dec mv", G(UNARY), E_LEG, 0, 0, 0xff, 1, S_V, I_NONE, R | W | F_LOCK, 0, 0},
    {"not m8", G(UNARY), E_LEG, 0, 0, 0xf6, 2, S_B, I_NONE, R | W | F_LOCK, 0, 0},
    {"neg m8", G(UNARY), E_LEG, 0, 0, 0xf6, 3, S_B, I_NONE, R | W | F_LOCK, 0, 0},
    {"not mv", G(UNARY), E_LEG, 0, 0, 0xf7, 2, S_V, I_NONE, R | W | F_LOCK, 0, 0},
    {"neg mv", G(UNARY), E_LEG, 0, 0, 0xf7, 3, S_V, I_NONE, R | W | F_LOCK, 0, 0},
    /* XCHG 86/87 (implicitly locked), CMPXCHG 0F B0/B1, XADD 0F C0/C1,
     * CMPXCHG8B/16B 0F C7 /1 (16B: REX.W, 16-byte aligned) */
    {"xchg m8,r8", G(XCHG), E_LEG, 0, 0, 0x86, -1, S_B, I_NONE, R | W | F_XCHG, 0, 0},
    {"xchg mv,rv", G(XCHG), E_LEG, 0, 0, 0x87, -1, S_V, I_NONE, R | W | F_XCHG, 0, 0},
    {"cmpxchg m8,r8", G(XCHG), E_LEG, 0, 1, 0xb0, -1, S_B, I_NONE, R | W | F_LOCK | F_RAXEQ, 0, 0},
    {"cmpxchg mv,rv", G(XCHG), E_LEG, 0, 1, 0xb1, -1, S_V, I_NONE, R | W | F_LOCK | F_RAXEQ, 0, 0},
    {"xadd m8,r8", G(XCHG), E_LEG, 0, 1, 0xc0, -1, S_B, I_NONE, R | W | F_LOCK, 0, 0},
    {"xadd mv,rv", G(XCHG), E_LEG, 0, 1, 0xc1, -1, S_V, I_NONE, R | W | F_LOCK, 0, 0},
    {"cmpxchg8b m64", G(XCHG), E_LEG, 0, 1, 0xc7, 1, S_CX, I_NONE, R | W | F_LOCK | F_RAXEQ, 0, 0},
    {"cmpxchg16b m128", G(XCHG), E_LEG, 0, 1, 0xc7, 1, S_CX, I_NONE,
     R | W | F_LOCK | F_RAXEQ | F_W1 | F_ALIGN | F_KVMCPU, 0, 0},
    /* BT 0F A3, BTS 0F AB, BTR 0F B3, BTC 0F BB; 0F BA /4../7 ib */
    {"bt mv,rv", G(BT), E_LEG, 0, 1, 0xa3, -1, S_V, I_NONE, R | F_BTREG, UF_BT, 0},
    {"bts mv,rv", G(BT), E_LEG, 0, 1, 0xab, -1, S_V, I_NONE, R | W | F_LOCK | F_BTREG, UF_BT, 0},
    {"btr mv,rv", G(BT), E_LEG, 0, 1, 0xb3, -1, S_V, I_NONE, R | W | F_LOCK | F_BTREG, UF_BT, 0},
    {"btc mv,rv", G(BT), E_LEG, 0, 1, 0xbb, -1, S_V, I_NONE, R | W | F_LOCK | F_BTREG, UF_BT, 0},
    {"bt mv,imm8", G(BT), E_LEG, 0, 1, 0xba, 4, S_V, I_B, R, UF_BT, 0},
    {"bts mv,imm8", G(BT), E_LEG, 0, 1, 0xba, 5, S_V, I_B, R | W | F_LOCK, UF_BT, 0},
    {"btr mv,imm8", G(BT), E_LEG, 0, 1, 0xba, 6, S_V, I_B, R | W | F_LOCK, UF_BT, 0},
    {"btc mv,imm8", G(BT), E_LEG, 0, 1, 0xba, 7, S_V, I_B, R | W | F_LOCK, UF_BT, 0},
    /* CLFLUSH 0F AE /7, CLFLUSHOPT 66 0F AE /7, CLWB 66 0F AE /6,
     * MOVDIRI 0F 38 F9, MOVDIR64B 66 0F 38 F8 (SDM Vol. 2A/2B) */
    {"clflush m8", G(MISC), E_LEG, 0, 1, 0xae, 7, S_B, I_NONE, R | F_NO66, 0, 0},
    {"clflushopt m8", G(MISC), E_LEG, 0x66, 1, 0xae, 7, S_B, I_NONE, R | F_NO66, 0, 0},
    {"clwb m8", G(MISC), E_LEG, 0x66, 1, 0xae, 6, S_B, I_NONE, R | F_NO66, 0, 0},
    {"movdiri m32/64,r", G(MISC), E_LEG, 0, 2, 0xf9, -1, S_V32, I_NONE, R | W | F_NO66, 0, 0},
    {"movdir64b r,m512", G(MISC), E_DIR64B, 0x66, 2, 0xf8, -1, S_Z, I_NONE, R | W | F_NO66, 0, 0},
    /* SSE (SDM Vol. 2B): loads / stores with a memory operand */
    {"movups x,m", G(SSE), E_LEG, 0, 1, 0x10, -1, S_X, I_NONE, R | F_XMM | F_NO66, 0, 0},
    {"movups m,x", G(SSE), E_LEG, 0, 1, 0x11, -1, S_X, I_NONE, R | W | F_XMM | F_NO66, 0, 0},
    {"movupd x,m", G(SSE), E_LEG, 0x66, 1, 0x10, -1, S_X, I_NONE, F_XMM | F_NO66, 0, 0},
    {"movaps x,m", G(SSE), E_LEG, 0, 1, 0x28, -1, S_X, I_NONE, R | F_XMM | F_ALIGN | F_NO66, 0, 0},
    {"movaps m,x", G(SSE), E_LEG, 0, 1, 0x29, -1, S_X, I_NONE, R | W | F_XMM | F_ALIGN | F_NO66, 0,
     0},
    {"movdqa x,m", G(SSE), E_LEG, 0x66, 1, 0x6f, -1, S_X, I_NONE, R | F_XMM | F_ALIGN | F_NO66, 0,
     0},
    {"movdqa m,x", G(SSE), E_LEG, 0x66, 1, 0x7f, -1, S_X, I_NONE, R | W | F_XMM | F_ALIGN | F_NO66,
     0, 0},
    {"movdqu x,m", G(SSE), E_LEG, 0xf3, 1, 0x6f, -1, S_X, I_NONE, R | F_XMM | F_NO66, 0, 0},
    {"movdqu m,x", G(SSE), E_LEG, 0xf3, 1, 0x7f, -1, S_X, I_NONE, R | W | F_XMM | F_NO66, 0, 0},
    {"movntdq m,x", G(SSE), E_LEG, 0x66, 1, 0xe7, -1, S_X, I_NONE, R | W | F_XMM | F_ALIGN | F_NO66,
     0, 0},
    {"movntps m,x", G(SSE), E_LEG, 0, 1, 0x2b, -1, S_X, I_NONE, W | F_XMM | F_ALIGN | F_NO66, 0, 0},
    {"movd/q x,m", G(SSE), E_LEG, 0x66, 1, 0x6e, -1, S_DQ, I_NONE, R | F_XMM | F_NO66 | F_KVMCPU, 0,
     0},
    {"movd/q m,x", G(SSE), E_LEG, 0x66, 1, 0x7e, -1, S_DQ, I_NONE,
     R | W | F_XMM | F_NO66 | F_KVMCPU, 0, 0},
    {"movq x,m64", G(SSE), E_LEG, 0xf3, 1, 0x7e, -1, S_Q, I_NONE, R | F_XMM | F_NO66 | F_KVMCPU, 0,
     0},
    {"movq m64,x", G(SSE), E_LEG, 0x66, 1, 0xd6, -1, S_Q, I_NONE, R | W | F_XMM | F_NO66 | F_KVMCPU,
     0, 0},
    {"movss x,m32", G(SSE), E_LEG, 0xf3, 1, 0x10, -1, S_D, I_NONE, F_XMM | F_NO66 | F_KVMCPU, 0, 0},
    {"movss m32,x", G(SSE), E_LEG, 0xf3, 1, 0x11, -1, S_D, I_NONE, W | F_XMM | F_NO66 | F_KVMCPU, 0,
     0},
    {"movsd x,m64", G(SSE), E_LEG, 0xf2, 1, 0x10, -1, S_Q, I_NONE, F_XMM | F_NO66 | F_KVMCPU, 0, 0},
    {"movsd m64,x", G(SSE), E_LEG, 0xf2, 1, 0x11, -1, S_Q, I_NONE, W | F_XMM | F_NO66 | F_KVMCPU, 0,
     0},
    {"movlps x,m64", G(SSE), E_LEG, 0, 1, 0x12, -1, S_Q, I_NONE, F_XMM | F_NO66 | F_KVMCPU, 0, 0},
    {"movhps m64,x", G(SSE), E_LEG, 0, 1, 0x17, -1, S_Q, I_NONE, W | F_XMM | F_NO66 | F_KVMCPU, 0,
     0},
    {"movntdqa x,m", G(SSE), E_LEG, 0x66, 2, 0x2a, -1, S_X, I_NONE,
     F_XMM | F_ALIGN | F_NO66 | F_KVMCPU, 0, 0},
    /* VEX (SDM Vol. 2A 2.3): VMOVDQU F3 6F/7F, VMOVDQA 66 6F/7F, VMOVUPS 10/11, VMOVAPS 28/29 */
    {"vmovdqu v,m", G(AVX), E_VEX, 0xf3, 1, 0x6f, -1, S_VL, I_NONE, R | F_XMM | F_KVMCPU, 0, 3},
    {"vmovdqu m,v", G(AVX), E_VEX, 0xf3, 1, 0x7f, -1, S_VL, I_NONE, R | W | F_XMM | F_KVMCPU, 0, 3},
    {"vmovdqa v,m", G(AVX), E_VEX, 0x66, 1, 0x6f, -1, S_VL, I_NONE, R | F_XMM | F_ALIGN | F_KVMCPU,
     0, 3},
    {"vmovups m,v", G(AVX), E_VEX, 0, 1, 0x11, -1, S_VL, I_NONE, R | W | F_XMM | F_KVMCPU, 0, 3},
    {"vmovaps v,m", G(AVX), E_VEX, 0, 1, 0x28, -1, S_VL, I_NONE, R | F_XMM | F_ALIGN | F_KVMCPU, 0,
     3},
    {"vmovaps m,v", G(AVX), E_VEX, 0, 1, 0x29, -1, S_VL, I_NONE, R | W | F_XMM | F_ALIGN | F_KVMCPU,
     0, 3},
    /* EVEX (SDM Vol. 2A 2.7): VMOVDQU64 F3.W1 6F/7F, VMOVDQU32 F3.W0, VMOVUPS 0F.W0 10/11,
     * VMOVDQA64 66.W1 6F (aligned); disp8 is scaled by the vector length (2.7.5) */
    {"vmovdqu64 z,m", G(AVX), E_EVEX, 0xf3, 1, 0x6f, -1, S_VL, I_NONE, R | F_XMM | F_W1 | F_KVMCPU,
     0, 7},
    {"vmovdqu64 m,z", G(AVX), E_EVEX, 0xf3, 1, 0x7f, -1, S_VL, I_NONE,
     R | W | F_XMM | F_W1 | F_KVMCPU, 0, 7},
    {"vmovdqu32 z,m", G(AVX), E_EVEX, 0xf3, 1, 0x6f, -1, S_VL, I_NONE, R | F_XMM | F_KVMCPU, 0, 7},
    {"vmovups z,m", G(AVX), E_EVEX, 0, 1, 0x10, -1, S_VL, I_NONE, R | F_XMM | F_KVMCPU, 0, 7},
    {"vmovups m,z", G(AVX), E_EVEX, 0, 1, 0x11, -1, S_VL, I_NONE, R | W | F_XMM | F_KVMCPU, 0, 7},
    {"vmovdqa64 z,m", G(AVX), E_EVEX, 0x66, 1, 0x6f, -1, S_VL, I_NONE,
     R | F_XMM | F_W1 | F_ALIGN | F_KVMCPU, 0, 7},
};
const unsigned x86gen_form_table_n = sizeof x86gen_form_table / sizeof x86gen_form_table[0];

#undef G /* bench_emulate.c compiles the generator into one unit */
#undef R
#undef W
