"""The native arm64 decoder's lookup tables (a64_hot.gen.{h,c}): the
two-level index, one 64-byte row per form, the register and
register-offset tables. Used by gen_a64_tables.py."""
from a64spec import (ADDR, IMM_FIELD, RC, REGMAP, L1_SHIFT, SUB_LO, SUB_BITS, form,
                     in_ldst_group, BANNER, c_flags)


# ---- the decoder's lookup tables (a64_hot.gen.h) ----------------------------------------

MASK64 = (1 << 64) - 1


def extraction(f):
    """How the form's variable fields come out of the word (a64_decode.c fill()).
    Offset: the field masked in place, multiplied (a left shift) so that its top
    bit is bit 31 (signed) or 30 (unsigned, bit 31 stays 0), sign-extended to 64
    bits, multiplied again and shifted right by 32 (arithmetically) so that its
    low bit lands at the form's scale: imm_mask, imm_mul, imm_mul2. Base:
    Rn masked (rn_mask 31; 31 = SP is the register number itself) or, for
    literals, 0 and the PC from the xs row. Index: Rm masked (rm_mask 31) into
    the GPR table (31 = XZR), or 0 (an all-zero entry) and NONE from the xs row.
    Shift and extension: the xs row by option:S (bits 15:12). The rows of Rt and of the second
    register in the reg tables, and the multiplier that brings the second
    register's field (Rt2 at 10, Rs at 16) to bits 31:27. The a64_hot.xs row
    (A64_HOT_SLOW: a routine of its own follows)."""
    lo, ln, sg, scaled = IMM_FIELD.get(f["addr"], (0, 0, False, False))
    sc = f["scale"] if scaled else 0
    if ln == 0:
        imask, mul, mul2 = 0, 1, 1
    else:
        hi, top = lo + ln - 1, 31 if sg else 30
        # after the first multiply the field's low bit is at top - ln + 1
        imask, mul, mul2 = ((1 << ln) - 1) << lo, 1 << (top - hi), 1 << (32 - (top - ln + 1) + sc)
        assert imask * mul < (1 << 32) and (1 << 31) * mul2 < (1 << 63)
    r2cls = {None: RC["none"], "rt2": RC[f["rc"]], "rs": RC["gpr"]}[f["r2"]]
    if f["addr"] == "reg":
        xs = XS_REG + 16 * f["scale"]
    else:
        xs = XS_LIT if f["addr"] == "lit" else 0
    if ADDR.index(f["addr"]) >= ADDR.index("pac"):
        xs = XS_SLOW
    return dict(imm=(imask, mul, mul2), rt=RC[f["rc"]] * 32, r2=r2cls * 32,
                rn_mask=0 if f["addr"] == "lit" else 31, rm_mask=31 if f["addr"] == "reg" else 0,
                r2_mul=1 << (27 - (16 if f["r2"] == "rs" else 10)), xs=xs)


# C6.2 LDR (register): option (bits 15:13) -> MMIOEMU_IDX_*, 011 (UXTX) is LSL.
OPTION_IDX = [0, 1, 2, 0, 4, 5, 6, 7]
XS_LIT, XS_SLOW, XS_REG = 16, 32, 48


def xs_table():
    """Descriptor bytes 8..15 but the registers taken from the word, 16 entries
    by option:S (bits 15:12): (base, index, shift, index_ext). Row 0 for forms
    without an index (index NONE), XS_LIT for literals (base PC), XS_SLOW a copy
    of row 0 (the form has a routine of its own), XS_REG + 16 * scale for
    register offsets (option is the extension, S = 1 shifts by the access size;
    the index comes from the index table). A 512-entry row per scale by
    Rm:option:S (one lookup less) measured 2% faster and cost 20 KB: dropped."""
    none = (0, 0xff, 0, 0)
    t = [none] * 16 + [(32, 0xff, 0, 0)] * 16 + [none] * 16
    for scale in range(5):
        t += [(0, 0, scale if v & 1 else 0, OPTION_IDX[(v >> 1) & 7]) for v in range(16)]
    return t


def matches_on(f, word, care):
    return ((f["value"] ^ word) & f["mask"] & care) == 0


def build_hot(forms, n_ldst):
    ldst = forms[:n_ldst]
    none = len(forms)  # the row that never matches
    l2, placed = [], {}

    def place(tab):
        """First fit: the lowest base where every used cell is free or equal."""
        key = tuple(sorted(tab.items()))
        if key not in placed:
            base = 0
            while not all(base + p >= len(l2) or l2[base + p] in (None, r) for p, r in tab.items()):
                base += 1
            for p, r in tab.items():
                l2.extend([None] * (base + p + 1 - len(l2)))
                l2[base + p] = r
            placed[key] = base
        return placed[key]

    top_care = MASK64 << L1_SHIFT & 0xffffffff
    l1 = []
    for hi in range(1 << (32 - L1_SHIFT)):
        wtop = hi << L1_SHIFT
        if not in_ldst_group(0xffffffff, wtop):
            l1.append((0, place({0: none})))
            continue
        cands = [f for f in ldst if matches_on(f, wtop, top_care)]
        for m in sorted(range(1 << SUB_BITS), key=lambda x: (bin(x).count("1"), x)):
            tab = {}
            for sub in range(1 << SUB_BITS):
                if sub & ~m:
                    continue
                rows = [f for f in cands
                        if matches_on(f, wtop | sub << SUB_LO, top_care | m << SUB_LO)]
                if len(rows) > 1:
                    break
                tab[sub] = forms.index(rows[0]) if rows else none
            else:
                break
        else:
            sys.exit("bits 15:10 do not separate the forms of l1 entry 0x%03x" % hi)
        l1.append((m << SUB_LO, place(tab)))
    if len(l2) > 0xffff or ROW_BYTES * none > 0xffff:
        sys.exit("second level too large")
    l2 = [none if x is None else x for x in l2]
    rows = [dict(extraction(f), f=f, k=k) for k, f in enumerate(forms)]
    return l1, l2, rows


ROW_BYTES = 64

# Register tables, by the descriptor byte their value lands in (the decoder ORs
# them into an 8-byte lane): index (byte 9, the GPR class only: 31 = XZR, and
# entry 0 is 0 for forms without an index, whose xs row supplies NONE), reg (36)
# and reg2 (37) (every class of REGMAP).
REG_TABLES = [("index", 8, REGMAP[RC["gpr"]:RC["gpr"] + 1]), ("reg", 32, REGMAP),
              ("reg2", 40, REGMAP)]


def emit_hot(l1, l2, rows):
    n = len(rows)
    xs = xs_table()
    o = [BANNER, "#ifndef MMIOEMU_A64_HOT_GEN_H\n#define MMIOEMU_A64_HOT_GEN_H\n\n",
         "/* The decoder's lookup (a64_fast.h), defined in a64_hot.gen.c. */\n",
         "#include <mmioemu/insn.h>\n\n",
         "/* One form in %d bytes: (word & mask) == value; the descriptor's constant\n"
         " * fields, as the values of its 8-byte lanes; how the variable fields come\n"
         " * out of the word (a64_decode.c fill()). The 32-bit fields are operands of\n"
         " * one instruction each (an AND, a multiply, an add of a table row). */\n"
         "typedef struct a64_row {\n    uint32_t mask;\n    uint32_t value;\n"
         "    uint64_t lo;       /* A64_LO: flags, size, id (descriptor bytes 24..31) */\n"
         "    uint64_t hi;       /* A64_HI: mode .. ext (bytes 32..39), reg and reg2 0 */\n"
         "    uint32_t imm_mask; /* disp = (int32_t)((word & imm_mask) * imm_mul) * imm_mul2\n"
         "                          >> 32: the offset field in place, its top bit moved to\n"
         "                          bit 31 (signed) or 30 (unsigned), sign-extended, its\n"
         "                          low bit moved to bit 32 + scale, back by 32 */\n"
         "    uint32_t imm_mul;\n"
         "    uint32_t rn_mask;  /* base = (word >> 5) & rn_mask (31: Rn, 31 = SP; 0: from xs) */\n"
         "    uint32_t rm_mask;  /* index = a64_hot.index[(word >> 16) & rm_mask] (0: from xs) */\n"
         "    uint32_t rt;       /* register class rows (class * 32) in a64_hot.reg */\n"
         "    uint32_t r2;       /* and a64_hot.reg2 (Rt2 or Rs) */\n"
         "    uint32_t r2_mul;   /* (word * r2_mul) >> 27: the second register field */\n"
         "    uint32_t xs;       /* a64_hot.xs row: 0, A64_XS_LIT, A64_HOT_SLOW or\n"
         "                          A64_XS_REG + 16 * scale */\n"
         "    int64_t imm_mul2;\n"
         "} a64_row;\n\n"
         "/* First level, by word bits 31:%d: the bits of 15:%d that index the second\n"
         " * level (in place) and where this entry's slice of it starts. */\n"
         "typedef struct a64_l1 {\n    uint16_t bits;\n    uint16_t base;\n} a64_l1;\n\n"
         % (ROW_BYTES, L1_SHIFT, SUB_LO)]
    o.append("#define A64_LO(flags, size, id) \\\n"
             "    ((uint64_t)(flags) | (uint64_t)(size) << 32 | (uint64_t)(id) << 48)\n"
             "#define A64_HI(kind, op, dst_size, ext)                                          \\\n"
             "    ((uint64_t)MMIOEMU_ARM64 | 4ull << 8 | (uint64_t)(kind) << 16 | (uint64_t)(op) << 24 | \\\n"
             "     (uint64_t)(dst_size) << 48 | (uint64_t)(ext) << 56)\n"
             "/* Descriptor bytes 8..15 as a value, but the registers the word names:\n"
             " * base, index, shift, seg (NONE), addr_size (8), index_ext. */\n"
             "#define A64_XS(base, index, shift, index_ext)                                  \\\n"
             "    ((uint64_t)(base) | (uint64_t)(index) << 8 | (uint64_t)(shift) << 16 | 0xffull << 24 | \\\n"
             "     8ull << 32 | (uint64_t)(index_ext) << 40)\n"
             "#define A64_R(reg, at) ((uint64_t)(reg) << (at))\n")
    o.append("#define A64_ROW_BYTES %d\n" % ROW_BYTES)
    o.append("#define A64_HOT_NONE %du /* row that never matches */\n" % n)
    o.append("#define A64_XS_LIT %du\n#define A64_XS_REG %du\n" % (XS_LIT, XS_REG))
    o.append("#define A64_HOT_SLOW %du /* address class with a routine of its own */\n"
             % XS_SLOW)
    o.append("#define A64_L1_SHIFT %d\n#define A64_L2_SHIFT %d\n\n" % (L1_SHIFT, SUB_LO))
    o.append("/* One object, so the decoder addresses every table from one base (rows\n"
             " * first: a row's address is the base + its byte offset in .l2). Hidden:\n"
             " * the shared library reaches it PC-relative, not through the GOT. Aligned\n"
             " * to 64 bytes: each 64-byte row is one cache line. */\n"
             "struct a64_hot_tables {\n"
             "    a64_row rows[%d];\n"
             "    uint64_t xs[%d];      /* A64_XS by a64_row.xs + option:S (bits 15:12) */\n"
             "    a64_l1 l1[%d];\n"
             "    uint16_t l2[%d];      /* %d * row */\n"
             "    /* Register field -> descriptor register, 32 per class: none, GPR (31 =\n"
             "     * XZR/WZR as data or index register, C1.2.5), SIMD&FP (V0 + n), base\n"
             "     * (31 = SP), literal (PC: MMIOEMU_REG_RIP); shifted to its lane byte.\n"
             "     * The index table has the GPR class only. */\n"
             % (n + 1, len(xs), len(l1), len(l2), ROW_BYTES))
    for name, _, maps in REG_TABLES:
        o.append("    uint64_t %s[%d];\n" % (name, 32 * len(maps)))
    o.append("};\n\n__attribute__((visibility(\"hidden\"), aligned(64))) extern const struct a64_hot_tables a64_hot;\n"
             "\n#endif\n")
    h = "".join(o)
    o = [BANNER, '#include "a64_hot.gen.h"\n\nconst struct a64_hot_tables a64_hot __attribute__((aligned(64))) = {\n    {\n']
    for r in rows:
        f = r["f"]
        o.append("        /* %3d %-8s %s */\n        {0x%08xu, 0x%08xu, A64_LO(%s, %d, %d),\n"
                 "         A64_HI(MMIOEMU_KIND_%s, MMIOEMU_OP_%s, %d, MMIOEMU_EXT_%s),\n"
                 "         0x%08xu, 0x%xu, %d, %d, %d, %d, 0x%xu, %d, 0x%xll},\n"
                 % ((r["k"], f["name"], f["cls"], f["mask"], f["value"], c_flags(f["flags"]),
                     f["size"], r["k"], f["kind"], f["op"], f["dst"], f["ext"]) + r["imm"][:2] +
                    (r["rn_mask"], r["rm_mask"], r["rt"], r["r2"], r["r2_mul"], r["xs"],
                     r["imm"][2])))
    o.append("        /* none */ {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1},\n    },\n    {\n")
    for i in range(0, len(xs), 4):
        o.append("        " + ", ".join("A64_XS(%d, %d, %d, %d)" % x for x in xs[i:i + 4])
                 + ",\n")
    o.append("    },\n    {\n")
    for i in range(0, len(l1), 6):
        o.append("        " + ", ".join("{0x%04x, %d}" % x for x in l1[i:i + 6]) + ",\n")
    o.append("    },\n    {\n")
    for i in range(0, len(l2), 12):
        o.append("        " + ", ".join("%d" % (ROW_BYTES * x) for x in l2[i:i + 12]) + ",\n")
    for name, at, maps in REG_TABLES:
        o.append("    },\n    {\n")
        for r in maps:
            for i in range(0, 32, 8):
                o.append("        " + ", ".join("A64_R(%d, %d)" % (x, at) for x in r[i:i + 8])
                         + ",\n")
    o.append("    },\n};\n")
    return h, "".join(o)
