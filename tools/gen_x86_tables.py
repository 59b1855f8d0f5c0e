#!/usr/bin/env python3
"""Generate the native x86 decoder tables from decoders/x86/x86_forms.spec.

    gen_x86_tables.py            write decoders/x86/x86_tables.gen.{c,h}
    gen_x86_tables.py --check    exit 1 if the checked-in files differ

Spec line (whitespace separated, '#' starts a comment, ';' starts the SDM ref):
    map op modrm pfx size imm kind op reg ext flags mnemonic ; reference
map    1b 0f 38 3a 3dn v1 v2 v3 e1 e2 e3 e5 e6 x8 x9 xa (VEX/EVEX/XOP maps)
op     hex byte or range "b0-b7"
modrm  -  no ModRM | r any | m mod!=3 | x mod==3, optional /n (reg) and
       .n or .n-m (rm values allowed when mod==3)
pfx    - any | np | 66 | f3 | f2, joined with '|'
size   access size rule (see SIZES), imm (IMMS), kind (KINDS), op (OPS)
reg    - | r (GPR ModRM.reg) | v (vector ModRM.reg) | a (accumulator) |
       di (register form that writes DS:[rDI], MASKMOVQ/MASKMOVDQU)
ext    - | z | s | m | g (by destination width)
flags  comma list of FLAGS, dst=<size>, w0/w1 (VEX.W/EVEX.W), norip, l512
       (EVEX.512 only), sibmem (AMX: a SIB byte required), or '-'
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
# pylint: disable=wrong-import-position
from x86spec import (SPEC, OUT_C, OUT_H, MAPS, SIZES, IMMS, KINDS, OPS, REGS,  # noqa: E402
                     FLAGS, die, Row, parse_line, form_key, SELS, form_sizes, form_ext)
from x86fast import (FAST_MAPS, form_fast, REG_ROWS, form_lanes, LANES_H,  # noqa: E402
                     emit_lanes, form_ic, mem_word, emit_mem)


def main():
    check = "--check" in sys.argv[1:]
    rows = []
    with open(SPEC) as fh:
        for ln, line in enumerate(fh, 1):
            line = line.split("#", 1)[0].strip()
            if line:
                rows.extend(parse_line(line, ln))

    forms = [None]  # 0: invalid
    form_ids = {}
    mnems = ["(bad)"]

    def form_id(r):
        k = form_key(r)
        if k not in form_ids:
            form_ids[k] = len(forms)
            forms.append(r)
            if r.mnem not in mnems:
                mnems.append(r.mnem)
        return form_ids[k]

    by_op = {}
    for r in rows:
        by_op.setdefault((r.map, r.op), []).append(r)

    maps = {mp: [0] * 256 for mp in MAPS}
    groups = [(0, [0, 0, 0, 0, 0])]  # group 0: undefined opcode, its one slot is form 0
    gforms = [0]
    gcache = {((0,), (0, 0, 0, 0, 0)): 0}
    for (mp, op), rs in sorted(by_op.items(), key=lambda kv: (MAPS.index(kv[0][0]), kv[0][1])):
        # The mode selects a form only where the forms differ in i64/o64;
        # where they all agree, the flag alone decides (x86_decode.c).
        use_mode = len({("i64" in r.flags, "o64" in r.flags) for r in rs}) > 1
        use_w = any(r.w is not None for r in rs)
        use_p = any(r.pf != set(range(4)) for r in rs)
        use_mod = len({r.m.mod for r in rs}) > 1
        use_reg = any(r.m.reg is not None for r in rs)
        modrm = {r.m.modrm for r in rs}
        if len(modrm) != 1:
            die("opcode %s %02x mixes ModRM and no-ModRM rows" % (mp, op), rs[0].ln)
        if len(rs) == 1 and not (use_w or use_p or use_reg or use_mode):
            use_mod = False  # a one-form group: every slot stride is 0
        dims = [(2 if use_mode else 1), (2 if use_w else 1), (4 if use_p else 1),
                (2 if use_mod else 1), (8 if use_reg else 1)]
        strides = []
        s = 1
        for d in reversed(dims):
            strides.insert(0, s if d > 1 else 0)
            s *= d
        tab = []
        for mo in range(dims[0]):
            for w in range(dims[1]):
                for p in range(dims[2]):
                    for isreg in range(dims[3]):
                        for reg in range(dims[4]):
                            tab.append(pick(rs, use_mode, mo, use_w, w, use_p, p, use_mod,
                                            isreg, use_reg, reg, form_id))
        key = (tuple(tab), tuple(strides))
        if key not in gcache:
            gcache[key] = len(groups)
            groups.append((len(gforms), strides))
            gforms.extend(tab)
        gi = gcache[key]
        if gi >= 0x10000:
            die("too many groups")
        maps[mp][op] = gi

    out_h, out_c = emit(forms, mnems, maps, groups, gforms, by_op)
    if check:
        bad = [p for p, t in ((OUT_H, out_h), (OUT_C, out_c))
               if not os.path.exists(p) or open(p).read() != t]
        for p in bad:
            sys.stderr.write("gen_x86_tables: %s is stale: run tools/gen_x86_tables.py\n" % p)
        sys.exit(1 if bad else 0)
    for p, t in ((OUT_H, out_h), (OUT_C, out_c)):
        with open(p, "w") as fh:
            fh.write(t)
    print("%d forms, %d groups, %d group slots" % (len(forms) - 1, len(groups), len(gforms)))


def pick(rs, use_mode, mo, use_w, w, use_p, p, use_mod, isreg, use_reg, reg, form_id):
    """First row matching the slot; exact-prefix rows beat prefix-agnostic ones."""
    cands = []
    for r in rs:
        if use_mode and ("i64" in r.flags and mo) or (use_mode and "o64" in r.flags and not mo):
            continue
        if use_w and r.w is not None and r.w != w:
            continue
        if use_p and p not in r.pf:
            continue
        if use_mod and ((r.m.mod == "mem" and isreg) or (r.m.mod == "reg" and not isreg)):
            continue
        if use_reg and r.m.reg is not None and reg not in r.m.reg:
            continue
        cands.append(r)
    if not cands:
        return 0
    exact = [r for r in cands if not r.anypfx]
    if exact:
        cands = exact
    if len(cands) > 1 and all(r.m.mod == "reg" for r in cands):
        # rows that differ only by rm: one merged form with the union of rm values
        r0 = cands[0]
        merged = Row()
        merged.__dict__.update(r0.__dict__)
        mm = Row()
        mm.__dict__.update(r0.m.__dict__)
        mm.rms = set()
        names = []
        for r in cands:
            mm.rms |= r.m.rms
            if r.mnem not in names:
                names.append(r.mnem)
        mm.mod = "reg"
        merged.m = mm
        merged.mnem = "/".join(names)[:40]
        merged.flags = set(r0.flags) - {"memonly"}
        return form_id(merged)
    return form_id(cands[0])


def c_ident(s):
    return "".join(ch if ch.isalnum() else "_" for ch in s).upper()


BANNER = ("/* generated by tools/gen_x86_tables.py from decoders/x86/x86_forms.spec"
          " - do not edit */\n")


def emit(forms, mnems, maps, groups, gforms, by_op):
    patterns = sorted({tuple(st) for _, st in groups})
    lane_of, lanes = form_lanes(forms)
    h = [BANNER]
    h.append("#ifndef MMIOEMU_X86_TABLES_GEN_H\n#define MMIOEMU_X86_TABLES_GEN_H\n\n")
    h.append("#include <stdint.h>\n\n")
    h.append("/* Internal to the library: addressed directly (no GOT) in position-\n"
             " * independent builds. */\n#pragma GCC visibility push(hidden)\n\n")
    for name, lst, pre in (("imm", IMMS, "X86_IMM_"), ("kind", KINDS, "X86_K_"),
                           ("reg", REGS, "X86_R_")):
        h.append("enum { /* %s rules */\n" % name)
        for i, v in enumerate(lst):
            h.append("    %s%s = %d,\n" % (pre, "NONE" if v == "-" else c_ident(v), i))
        h.append("};\n")
    h.append("enum { /* form flags */\n")
    for i, v in enumerate(FLAGS):
        h.append("    X86_FF_%s = 1u << %d,\n" % (c_ident(v), i))
    h.append("};\n")
    h.append("enum { /* opcode maps */\n")
    for i, v in enumerate(MAPS):
        h.append("    X86_MAP_%s = %d,\n" % (c_ident(v), i))
    h.append("    X86_MAP_COUNT = %d\n};\n\n" % len(MAPS))
    h.append("enum { /* size selectors: which index picks x86_form.sz[]/dsz[]/ext */\n")
    for i, v in enumerate(SELS):
        h.append("    X86_SEL_%s = %d,\n" % (c_ident(v), i))
    h.append("};\n\n")
    h.append("/* One instruction form: a row of the spec after prefix/ModRM selection. */\n")
    h.append("typedef struct x86_form {\n"
             "    uint32_t flags;  /* X86_FF_* */\n"
             "    uint16_t mnem;   /* index into x86_mnem_text offsets */\n"
             "    uint16_t sz[3];  /* access bytes for selector index 0..2 */\n"
             "    uint8_t dsz[3];  /* destination width for selector index 0..2 */\n"
             "    uint8_t szsel;   /* X86_SEL_*: operand size, VL, address size, W or mode */\n"
             "    uint8_t ext3;    /* mmioemu_ext per selector index, 2 bits each */\n"
             "    uint8_t kind;    /* X86_K_* (= mmioemu_kind) */\n"
             "    uint8_t op;      /* mmioemu_op; 0xff none; 0xfe: ModRM.reg (group 1) */\n"
             "    uint8_t imm;     /* X86_IMM_* */\n"
             "    uint8_t reg;     /* X86_R_* */\n"
             "    uint8_t rmmask;  /* allowed ModRM.rm values when mod == 3 */\n"
             "    uint8_t fast;    /* X86_FAST_*: what the decoder's common path needs */\n"
             "    uint8_t ic;      /* X86_OPW_IC: x86_ilen_of column of the immediate */\n"
             "} x86_form;\n\n")
    h.append("/* x86_form.fast: the common legacy path's view of a form, one byte.\n"
             " * BAD64/BAD32: it cannot finish the form in that mode (invalid there,\n"
             " * \"rare\" checks, 3DNow!, the null form): the general path decides.\n"
             " * F64/D64/M66 pick the operand size (x86_osz_of). IMPL: a memory operand\n"
             " * not described by ModRM (strings, moffs, XLAT, MASKMOVQ) or a moffs. */\n"
             "enum {\n"
             "    X86_FAST_BAD64 = 1u << 0,\n"
             "    X86_FAST_BAD32 = 1u << 1,\n"
             "    X86_FAST_F64 = 1u << 2,\n"
             "    X86_FAST_D64 = 1u << 3,\n"
             "    X86_FAST_M66 = 1u << 4,\n"
             "    X86_FAST_IMPL = 1u << 5,\n"
             "    X86_FAST_STR = 1u << 6, /* with IMPL: MOVS/STOS/LODS/CMPS/SCAS */\n"
             "};\n"
             "#define X86_FAST_OSZ_SHIFT 2 /* (fast >> 2) & 7: F64 | D64 << 1 | M66 << 2 */\n\n")
    h.append("/* Every opcode maps to a group (0: undefined). A group selects its form by\n"
             " * some of (64-bit mode, W, mandatory prefix, mod==3, ModRM.reg), packed in\n"
             " * X86_KEY(); slot = base + x86_key_slot[pattern][key], where the pattern\n"
             " * says which selectors this group uses (a one-form group uses none). */\n")
    h.append("#define X86_KEY(is64, w, pfx, isreg, reg) \\\n"
             "    ((is64) << 7 | (w) << 6 | (pfx) << 4 | (isreg) << 3 | (reg))\n")
    h.append("typedef struct x86_group {\n"
             "    uint16_t base;\n"
             "    uint8_t pattern; /* row of x86_key_slot */\n"
             "    uint8_t modrm;   /* 1: the selection needs the ModRM byte */\n"
             "} x86_group;\n\n")
    h.append("/* Maps 1b/0f/38/3a, VEX 1-3 and EVEX 1-3 by opcode, one word: group base, key pattern,\n"
             " * \"selection needs ModRM\", and ESC for the bytes that are not opcodes of\n"
             " * their map (0F; 0F 38 / 0F 3A; C4 C5 62 8F, maybe VEX/EVEX/XOP). */\n"
             "#define X86_OPW_BASE(w) ((w) & 0x1fffu)\n"
             "#define X86_OPW_PATTERN(w) (((w) >> 13) & 15u)\n"
             "#define X86_OPW_MODRM (1u << 17)\n"
             "#define X86_OPW_ESC (1u << 18)\n"
             "#define X86_OPW_HASM (1u << 19) /* its forms have a ModRM byte */\n"
             "#define X86_OPW_IMM(w) (((w) >> 20) & 15u) /* X86_IMM_* of all its forms */\n"
             "#define X86_OPW_CLS(w) (((w) >> 24) & 7u) /* their X86_FAST_OSZ_SHIFT bits */\n"
             "#define X86_OPW_VAR (1u << 27) /* forms differ in IMM/CLS: ask the form */\n"             "/* IMM | CLS << 4: x86_ilen_of[0][osz_row * 16 + ic] is the immediate's length */\n"
             "#define X86_OPW_IC(w) (((w) >> 20) & 0x7fu)\n"
             "extern const uint32_t x86_opw[10][256];\n")
    h.append("/* ModRM byte with 32/64-bit addressing (SDM Vol. 2A Tables 2-2, 2-3): the\n"
             " * X86_KEY() bits (mod==3, reg), displacement bytes, SIB follows, disp32\n"
             " * without base (mod 00 rm 101: RIP-relative in 64-bit mode). */\n"
             "#define X86_MRM_KEY(m) ((m) & 15u)\n"
             "#define X86_MRM_DLEN(m) (((m) >> 4) & 7u)\n"
             "#define X86_MRM_SIB (1u << 7)\n"
             "#define X86_MRM_NOBASE (1u << 8)\n"
             "extern const uint16_t x86_modrm32[256];\n")
    h.append("/* Operand size code by x86_ctx.osz_row + the form's F64/D64/M66 bits (SDM\n"
             " * Vol. 1 3.6.1, Vol. 2A 2.2.1.2): operand size 2/4/8 >> 2 (0, 1, 2), plus\n"
             " * X86_OSZ_64 in 64-bit mode (the immediate rules differ there). */\n"
             "#define X86_OSZ_64 4u\n"
             "extern const uint8_t x86_osz_of[96];\n"
             "/* Immediate bytes by the same index * 16 + X86_IMM_* (moffs: 0, never used). */\n"
             "extern const uint8_t x86_ilen_of[96 * 16];\n")
    h.append("/* What the legacy prefixes decide before the opcode, by mode * 32 +\n"
             " * X86_CTX_INDEX(REX.W, 66, 67, rep) (rep: 0, 2 = F3, 3 = F2, the last wins):\n"
             " * the X86_KEY() bits they give, the x86_osz_of row, the address size, and\n"
             " * the x86_form.sz[] selector bits for address size, W and mode. */\n"
             "#define X86_CTX_INDEX(w, p66, p67, rep) ((w) | (p66) << 1 | (p67) << 2 | (rep) << 3)\n"
             "typedef struct x86_ctx {\n"
             "    uint8_t key;     /* X86_KEY(is64, W, mandatory prefix, 0, 0) */\n"
             "    uint8_t osz_row; /* first x86_osz_of index */\n"
             "    uint8_t asz;     /* address size: 2, 4 or 8 */\n"
             "    uint8_t is64;\n"
             "    uint16_t sels;   /* X86_SEL_* 2-bit fields except OSZ and VL (0 here) */\n"
             "    uint8_t bad;     /* x86_form.fast bits that send a form to the general path */\n"
             "} x86_ctx;\n"
             "extern const x86_ctx x86_ctx_of[3 * 32];\n")
    h.append("extern const uint8_t x86_key_slot[%d][256];\n" % len(patterns))
    h.append("#define X86_FORM_COUNT %d\n" % len(forms))
    f3dn = [i for i, r in enumerate(forms) if r is not None and r.mnem == "3dnow"]
    h.append("#define X86_FORM_3DNOW %d /* 0F 0F: resolved by its imm8 in map 3dn */\n\n" % f3dn[0])
    h.append("extern const uint16_t x86_maps[X86_MAP_COUNT][256];\n")
    h.append("extern const x86_group x86_groups[%d];\n" % len(groups))
    h.append("extern const uint16_t x86_group_forms[%d];\n" % len(gforms))
    h.append("extern const x86_form x86_forms[X86_FORM_COUNT];\n")
    h.append("/* Memory operand of a ModRM byte without SIB by 64-bit mode, of a SIB byte by\n"
             " * mod == 00 (row 0) or not: mmioemu_mem bytes 8..11 without REX, and what\n"
             " * REX.B and REX.X change (gen_x86_tables.py mem_word). */\n"
             "#define X86_MEM_DISP32 (1ull << 50)\n"
             "extern const uint64_t x86_mrm_mem[2][192];\n"
             "extern const uint64_t x86_sib_mem[2][256];\n")
    h.append(LANES_H)
    h.append("extern const uint16_t x86_form_lane[X86_FORM_COUNT];\n")
    h.append("extern const x86_lane x86_lanes[%d];\n" % len(lanes))
    h.append("extern const uint64_t x86_reg_op[%d][32];\n" % len(REG_ROWS))
    h.append("extern const char x86_mnem_text[];\n")
    h.append("extern const uint16_t x86_mnem_offs[%d];\n\n" % len(mnems))
    h.append("#pragma GCC visibility pop\n\n#endif\n")

    lane_of, lanes = form_lanes(forms)
    c = [BANNER]
    c.append('#include "x86_tables.gen.h"\n\n')
    c.append("const uint16_t x86_maps[X86_MAP_COUNT][256] = {\n")
    for mp in MAPS:
        c.append("    { /* %s */\n" % mp)
        t = maps[mp]
        for i in range(0, 256, 8):
            c.append("        " + ", ".join("0x%04x" % v for v in t[i:i + 8]) + ",\n")
        c.append("    },\n")
    c.append("};\n\n")
    if len(gforms) >= 1 << 13 or len(patterns) > 16:
        die("x86_opw fields overflow")
    c.append("const uint32_t x86_opw[10][256] = {\n")
    for mp in FAST_MAPS:
        c.append("    { /* %s */\n" % mp)
        words = []
        for op in range(256):
            base, st = groups[maps[mp][op]]
            w = base | patterns.index(tuple(st)) << 13 | (1 if (st[3] or st[4]) else 0) << 17
            # What the length needs, when every row of the opcode agrees: ModRM,
            # immediate rule and operand-size class (else X86_OPW_VAR).
            rs = by_op.get((mp, op), [])
            if rs:
                w |= (1 if rs[0].m.modrm else 0) << 19
                lk = {form_ic(r) for r in rs}
                if len(lk) == 1:
                    w |= lk.pop() << 20
                else:
                    w |= 1 << 27
            if (mp, op) in (("1b", 0x0f), ("1b", 0xc4), ("1b", 0xc5), ("1b", 0x62),
                            ("1b", 0x8f), ("0f", 0x38), ("0f", 0x3a)):
                w |= 1 << 18
            words.append(w)
        for i in range(0, 256, 8):
            c.append("        " + ", ".join("0x%05x" % v for v in words[i:i + 8]) + ",\n")
        c.append("    },\n")
    c.append("};\n\n")
    c.append("const uint16_t x86_modrm32[256] = {\n")
    words = []
    for m in range(256):
        mod, reg, rm = m >> 6, (m >> 3) & 7, m & 7
        dlen = [0, 1, 4, 0][mod]
        nobase = mod == 0 and rm == 5
        if nobase:
            dlen = 4
        sib = mod != 3 and rm == 4
        words.append((1 if mod == 3 else 0) << 3 | reg | dlen << 4 | sib << 7 | nobase << 8)
    for i in range(0, 256, 8):
        c.append("    " + ", ".join("0x%03x" % v for v in words[i:i + 8]) + ",\n")
    c.append("};\n\n")
    c.append("const uint8_t x86_osz_of[96] = {\n")
    for mode in range(3):
        for w in range(2):
            for p66 in range(2):
                row = []
                for cls in range(8):
                    f64, d64, m66 = cls & 1, cls & 2, cls & 4
                    o66 = p66 and not m66
                    if mode == 2:
                        osz = 8 if (w or f64) else 2 if o66 else 8 if d64 else 4
                    else:
                        osz = 2 if ((mode == 0) != bool(o66)) else 4
                    row.append((osz >> 2) | (4 if mode == 2 else 0))
                c.append("    " + ", ".join("%d" % v for v in row) +
                         ", /* mode %d, W %d, 66 %d */\n" % (mode, w, p66))
    c.append("};\n\n")
    # Immediate bytes by [x86_osz_of index][X86_IMM_*]: one load on the length
    # chain instead of two (operand size, then length).
    imm_len = {"ib": (1, 1, 1), "iw": (2, 2, 2), "iz": (2, 4, 4), "iv": (2, 4, 8),
               "iwb": (3, 3, 3), "ap": (4, 6, 6), "jb": (1, 1, 1), "jz": (2, 4, 4),
               "ibz": (1, 1, 1), "ibb": (2, 2, 2), "id": (4, 4, 4)}
    c.append("const uint8_t x86_ilen_of[96 * 16] = {\n")
    for mode in range(3):
        for w in range(2):
            for p66 in range(2):
                for cls in range(8):
                    f64, d64, m66 = cls & 1, cls & 2, cls & 4
                    o66 = p66 and not m66
                    if mode == 2:
                        osz = 8 if (w or f64) else 2 if o66 else 8 if d64 else 4
                    else:
                        osz = 2 if ((mode == 0) != bool(o66)) else 4
                    row = []
                    for imm in IMMS:
                        n = imm_len[imm][osz >> 2] if imm in imm_len else 0
                        if imm == "jz" and mode == 2:
                            n = 4  # near branches ignore 66 in 64-bit mode (Intel)
                        row.append(n)
                    row += [0] * (16 - len(row))
                    c.append("    " + ", ".join("%d" % v for v in row) + ",\n")
    c.append("};\n\n")
    c.append("const x86_ctx x86_ctx_of[3 * 32] = {\n")
    for mode in range(3):
        c.append("    /* mode %d */\n" % mode)
        for idx in range(32):
            w, p66, p67, rep = idx & 1, (idx >> 1) & 1, (idx >> 2) & 1, idx >> 3
            if mode != 2:
                w = 0  # no REX outside 64-bit mode
            is64 = 1 if mode == 2 else 0
            psel = rep if rep else p66
            key = is64 << 7 | w << 6 | psel << 4
            asz = (4 if p67 else 8) if mode == 2 else (2 if ((mode == 0) != bool(p67)) else 4)
            sels = (asz >> 2) << (2 * SELS.index("asz")) | w << (2 * SELS.index("w")) | \
                mode << (2 * SELS.index("mode"))
            c.append("    {0x%02x, %d, %d, %d, 0x%03x, X86_FAST_IMPL | X86_FAST_BAD%s},\n" %
                     (key, ((mode * 2 + w) * 2 + p66) * 8, asz, is64, sels,
                      "64" if is64 else "32"))
    c.append("};\n\n")
    c.append("const x86_group x86_groups[%d] = {\n" % len(groups))
    for base, st in groups:
        pat = patterns.index(tuple(st))
        c.append("    {%d, %d, %d},\n" % (base, pat, 1 if (st[3] or st[4]) else 0))
    c.append("};\n\n")
    c.append("const uint8_t x86_key_slot[%d][256] = {\n" % len(patterns))
    for st in patterns:
        row = []
        for key in range(256):
            mode, w, pfx, isreg, reg = key >> 7, (key >> 6) & 1, (key >> 4) & 3, (key >> 3) & 1, key & 7
            row.append(mode * st[0] + w * st[1] + pfx * st[2] + isreg * st[3] + reg * st[4])
        c.append("    { /* strides %s */\n" % (st,))
        for i in range(0, 256, 16):
            c.append("        " + ", ".join("%d" % v for v in row[i:i + 16]) + ",\n")
        c.append("    },\n")
    c.append("};\n\n")
    c.append("const uint16_t x86_group_forms[%d] = {\n" % len(gforms))
    for i in range(0, len(gforms), 12):
        c.append("    " + ", ".join("%d" % v for v in gforms[i:i + 12]) + ",\n")
    c.append("};\n\n")
    c.append("const x86_form x86_forms[X86_FORM_COUNT] = {\n")
    c.append("    {0, 0, {0, 0, 0}, {0, 0, 0}, 0, 0, 0, 0xff, 0, 0, 0, 0x03, 0},\n")
    for r in forms[1:]:
        fl = " | ".join("X86_FF_%s" % c_ident(x) for x in FLAGS if x in r.flags) or "0"
        op = 0xff if r.aop == "-" else 0xfe if r.aop == "grp" else OPS.index(r.aop)
        # rmmask: allowed rm values of a register form; for a memory form with
        # "norip", bit 5 clear = mod 00 rm 101 (RIP-relative) is #UD.
        rm = sum(1 << x for x in r.m.rms) if r.m.mod == "reg" else (0xdf if r.norip else 0xff)
        sel, sz, dsz = form_sizes(r)
        c.append("    {%s, %d, {%d, %d, %d}, {%d, %d, %d}, %d, 0x%02x, X86_K_%s, 0x%02x, "
                 "X86_IMM_%s, X86_R_%s, 0x%02x, 0x%02x, 0x%02x}, /* %s, spec line %d */\n" %
                 (fl, mnems.index(r.mnem), sz[0], sz[1], sz[2], dsz[0], dsz[1], dsz[2], sel,
                  form_ext(r, sz, dsz), "NONE" if r.kind == "-" else c_ident(r.kind), op,
                  "NONE" if r.imm == "-" else c_ident(r.imm),
                  "NONE" if r.reg == "-" else c_ident(r.reg), rm, form_fast(r), form_ic(r),
                  r.mnem, r.ln))
    c.append("};\n\n")
    c.append(emit_lanes(forms, lane_of, lanes))
    c.append(emit_mem())
    offs = []
    text = []
    pos = 0
    for m in mnems:
        offs.append(pos)
        text.append(m)
        pos += len(m) + 1
    c.append("const char x86_mnem_text[] =\n")
    for i in range(0, len(text), 8):
        c.append("    " + " ".join('"%s\\0"' % t for t in text[i:i + 8]) + "\n")
    c.append("    ;\n\n")
    c.append("const uint16_t x86_mnem_offs[%d] = {\n" % len(offs))
    for i in range(0, len(offs), 12):
        c.append("    " + ", ".join("%d" % v for v in offs[i:i + 12]) + ",\n")
    c.append("};\n")
    return "".join(h), "".join(c)


if __name__ == "__main__":
    main()
