"""The common path's tables of the native x86 decoder (x86_fast.c): the
per-form fast byte, the descriptor lanes, and the ModRM/SIB memory-operand
words. Used by gen_x86_tables.py."""
from x86spec import IMMS, KINDS, OPS, REGS, FLAGS, die, form_sizes, form_ext


FAST_MAPS = ["1b", "0f", "38", "3a", "v1", "v2", "v3", "e1", "e2", "e3"]  # rows of x86_opw


def form_fast(r):
    """x86_form.fast (X86_FAST_* in the generated header)."""
    bad = "rare" in r.flags or r.mnem == "3dnow" or r.map not in FAST_MAPS
    v = (1 if bad or "i64" in r.flags else 0) | (2 if bad or "o64" in r.flags else 0)
    v |= (4 if "f64" in r.flags else 0) | (8 if "d64" in r.flags else 0)
    v |= 16 if "m66" in r.flags else 0
    if (r.kind != "-" and (not r.m.modrm or r.reg == "di")) or r.imm == "mo":
        v |= 32
    if r.kind in ("movs", "stos", "lods", "cmps", "scas") and not r.m.modrm and r.imm == "-" \
            and "imm" not in r.flags:
        v |= 64
    return v


# Rows of x86_reg_op: a register rule (REGS; "rb" = "r" for a 1-byte
# destination, where 4..7 without REX are AH..BH, SDM Vol. 1 3.7.2.1), and
# whether the row also puts ModRM.reg into the op byte (group 1, op "grp").
REG_ROWS = []  # the (rule, group-1 op) pairs the lanes use, in order of first use (form_lanes)
REG_NONE, REG_V0, REG_AH = 0xff, 64, 16  # MMIOEMU_REG_NONE/V0/AH (include/mmioemu/insn.h)
F_VEX, F_EVEX = 1 << 12, 1 << 13  # MMIOEMU_F_VEX, MMIOEMU_F_EVEX
COPY = ["imm", "memsrc", "bswap", "nt", "al", "dir"]  # X86_FF_COPY (x86_decode.h)


def reg_op_word(row, rix):
    """x86_reg_op[row][rix]: rix = ModRM.reg | REX.R << 3 | REX present << 4."""
    rule, grp = REG_ROWS[row]
    r3, rex = rix & 15, rix >> 4
    reg = {"-": REG_NONE, "di": REG_NONE, "a": 0, "r": r3, "v": REG_V0 + r3,
           "rb": r3 if rex or r3 < 4 or r3 > 7 else REG_AH + r3 - 4}[rule]
    return (reg ^ row) << 32 | ((rix & 7) << 24 if grp else 0)


def form_lanes(forms):
    """Descriptor lanes of each form by size selector index (x86_lane), deduplicated:
    returns the first lane of each form's three and the lanes."""
    lane_of, lanes, seen = [0], [(0, 0)] * 3, {}
    for r in forms[1:]:
        if r.kind == "-":
            lane_of.append(0)  # no memory operand: the descriptor is not filled
            continue
        sel, sz, dsz = form_sizes(r)
        ext = form_ext(r, sz, dsz)
        flags = sum(1 << FLAGS.index(x) for x in COPY if x in r.flags)
        flags |= F_VEX if r.map in ("v1", "v2", "v3") else 0
        flags |= F_VEX | F_EVEX if r.map in ("e1", "e2", "e3") else 0
        kind = KINDS.index(r.kind)
        op = 0xff if r.aop == "-" else 0 if r.aop == "grp" else OPS.index(r.aop)
        three = []
        for k in range(3):
            rule = "rb" if r.reg == "r" and dsz[k] == 1 else r.reg
            pair = (rule, 1 if r.aop == "grp" else 0)
            if pair not in REG_ROWS:
                REG_ROWS.append(pair)
            row = REG_ROWS.index(pair)
            three.append((flags | sz[k] << 32,
                          kind << 16 | op << 24 | row << 32 | REG_NONE << 40 | dsz[k] << 48 |
                          ((ext >> 2 * k) & 3) << 56))
        three = tuple(three)
        if three not in seen:
            seen[three] = len(lanes)
            lanes.extend(three)
        lane_of.append(seen[three])
    if len(lanes) > 0xffff:
        die("too many lanes")
    return lane_of, lanes


LANES_H = ("/* The fast path's descriptor lanes of a form by its size selector index\n"
           " * (x86_fast.c): lo = mmioemu_insn bytes 24..31 (flags, size, id 0), hi =\n"
           " * bytes 32..39 (mode 0, length 0, kind, op, x86_reg_op row, reg2, dst_size,\n"
           " * ext); byte k of a lane is bits 8k+7:8k. x86_lanes[x86_form_lane[form] +\n"
           " * index]. x86_reg_op[row][ModRM.reg | REX.R << 3 | REX << 4], XOR'ed into hi,\n"
           " * replaces the row with the data register and sets op for group 1. */\n"
           "typedef struct x86_lane {\n"
           "    uint64_t lo, hi;\n"
           "} x86_lane;\n")


def emit_lanes(forms, lane_of, lanes):
    c = ["const uint16_t x86_form_lane[X86_FORM_COUNT] = {\n"]
    for i in range(0, len(lane_of), 12):
        c.append("    " + ", ".join("%d" % v for v in lane_of[i:i + 12]) + ",\n")
    c.append("};\n\n")
    c.append("const x86_lane x86_lanes[%d] = {\n" % len(lanes))
    for lo, hi in lanes:
        c.append("    {0x%016xu, 0x%016xu},\n" % (lo, hi))
    c.append("};\n\n")
    c.append("const uint64_t x86_reg_op[%d][32] = {\n" % len(REG_ROWS))
    for row in range(len(REG_ROWS)):
        ws = [reg_op_word(row, rix) for rix in range(32)]
        rule, grp = REG_ROWS[row]
        c.append("    { /* %s%s */\n" % (rule, ", op = ModRM.reg" if grp else ""))
        for i in range(0, 32, 4):
            c.append("        " + ", ".join("0x%010xu" % v for v in ws[i:i + 4]) + ",\n")
        c.append("    },\n")
    c.append("};\n\n")
    return "".join(c)


def form_ic(r):
    """Immediate rule | operand-size class << 4 (X86_OPW_IC); the class only where
    the immediate's length depends on the operand size."""
    return IMMS.index(r.imm) | ((form_fast(r) >> 2) & 7 if r.imm in ("iz", "iv", "ap", "jz", "mo")
                                else 0) << 4


def mem_word(mode, m, sib):
    """x86_mrm_mem / x86_sib_mem entry (32/64-bit addressing, SDM Vol. 2A Tables
    2-2, 2-3): base | index << 8 | shift << 16 | default segment << 24 without
    REX, and what REX.B (bits 32-39, 56-63) and REX.X (40-47) XOR into it; bit
    50: a disp32 follows (SIB base 101b with mod 00)."""
    NONE, RIP, DS, SS = 0xff, 32, 3, 2
    if sib is None:  # ModRM without SIB
        mod, rm = m >> 6, m & 7
        if mod == 0 and rm == 5:
            return (RIP if mode == 2 else NONE) | NONE << 8 | DS << 24
        base, index, shift, bx, xx, d32 = rm, NONE, 0, 8, 0, 0
    else:
        mod, base, index, shift = m, sib & 7, (sib >> 3) & 7, sib >> 6
        xx = 0xff ^ 12 if index == 4 else 8  # REX.X: index 100b is r12, else none
        index = NONE if index == 4 else index
        d32 = 1 if (base == 5 and mod == 0) else 0
        base, bx = (NONE, 0) if d32 else (base, 8)
    seg = SS if base in (4, 5) else DS  # rSP/rBP base: SS (SDM Vol. 1 3.7.4)
    segx = 1 if base in (4, 5) else 0  # REX.B makes it r12/r13: DS (= SS ^ 1)
    return base | index << 8 | shift << 16 | seg << 24 | bx << 32 | xx << 40 | segx << 56 | \
        d32 << 50


def emit_mem():
    c = ["const uint64_t x86_mrm_mem[2][192] = {\n"]
    for mode in (0, 2):
        c.append("    { /* %s */\n" % ("64-bit mode" if mode == 2 else "16/32-bit modes"))
        ws = [mem_word(mode, m, None) for m in range(192)]  # mod 00-10
        for i in range(0, 192, 4):
            c.append("        " + ", ".join("0x%016xu" % v for v in ws[i:i + 4]) + ",\n")
        c.append("    },\n")
    c.append("};\n\n")
    c.append("const uint64_t x86_sib_mem[2][256] = {\n")
    for mod0 in (1, 0):
        c.append("    { /* mod %s */\n" % ("00" if mod0 else "01/10"))
        ws = [mem_word(2, 0 if mod0 else 1, sib) for sib in range(256)]
        for i in range(0, 256, 4):
            c.append("        " + ", ".join("0x%016xu" % v for v in ws[i:i + 4]) + ",\n")
        c.append("    },\n")
    c.append("};\n\n")
    return "".join(c)
