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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, "decoders", "x86", "x86_forms.spec")
OUT_C = os.path.join(ROOT, "decoders", "x86", "x86_tables.gen.c")
OUT_H = os.path.join(ROOT, "decoders", "x86", "x86_tables.gen.h")

MAPS = ["1b", "0f", "38", "3a", "3dn", "v1", "v2", "v3", "e1", "e2", "e3", "e5", "e6",
        "x8", "x9", "xa"]
SIZES = ["-", "b", "w", "d", "q", "t", "v", "z", "y", "dq", "qq", "o", "x", "xh", "xq",
         "xo", "p", "s", "bnd", "cx", "env", "fs", "fx", "a", "dv", "vd", "xs", "ws", "ddup"]
IMMS = ["-", "ib", "iw", "iz", "iv", "iwb", "ap", "mo", "jb", "jz", "ibz", "ibb", "id"]
KINDS = ["-", "read", "write", "wimm", "ldp", "stp", "movs", "stos", "lods", "cmps", "scas",
         "rmw", "aread", "cmp", "xchg", "cmpxchg", "cx8", "xadd", "bt", "m64b", "flush", "other"]
OPS = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test", "inc", "dec", "not",
       "neg", "bt", "bts", "btr", "btc"]
REGS = ["-", "r", "v", "a", "di"]  # di: register form with an implicit DS:[rDI] operand
EXTS = ["-", "z", "s", "m", "g"]
# name -> bit; order is ABI of the generated tables only
# Bits 3-7 and 14 sit where the same mmioemu_insn.flags bits are (MMIOEMU_F_IMM,
# MEM_SRC, BSWAP, NT, ALIGNED, DIRECT), so the decoder copies them with one AND.
# "rare" (bit 15) marks forms with a check the common path skips: cr, dr, kr,
# mpx, vsib, modreg, notrack.
FLAGS = ["modrm", "memonly", "regonly", "imm", "memsrc", "bswap", "nt", "al",
         "lock", "i64", "o64", "d64", "f64", "rep", "dir", "rare", "notrack", "m66",
         "l0", "l1", "nv", "vsib", "bc", "er", "nz", "mask", "nomask", "cr", "dr", "modreg",
         "mpx", "kr"]
PFX = {"np": 0, "66": 1, "f3": 2, "f2": 3}


def die(msg, lineno=None):
    where = "x86_forms.spec:%d: " % lineno if lineno else ""
    sys.stderr.write("gen_x86_tables: %s%s\n" % (where, msg))
    sys.exit(2)


class Row:
    pass


def parse_modrm(tok, ln):
    r = Row()
    r.modrm = tok != "-"
    r.mod = "any"
    r.reg = None
    r.rms = set(range(8))
    if not r.modrm:
        return r
    m = tok[0]
    if m not in "rmx":
        die("bad modrm %r" % tok, ln)
    r.mod = {"r": "any", "m": "mem", "x": "reg"}[m]
    rest = tok[1:]
    if "." in rest:
        rest, rm = rest.split(".")
        if "-" in rm:
            a, b = rm.split("-")
            r.rms = set(range(int(a), int(b) + 1))
        else:
            r.rms = {int(x) for x in rm}
    if rest:
        if rest[0] != "/":
            die("bad modrm %r" % tok, ln)
        rg = rest[1:]
        if "-" in rg:
            a, b = rg.split("-")
            r.reg = set(range(int(a), int(b) + 1))
        else:
            r.reg = {int(rg)}
    return r


def parse_line(line, ln):
    ref = ""
    if ";" in line:
        line, ref = line.split(";", 1)
    f = line.split()
    if len(f) != 12:
        die("expected 12 fields, got %d" % len(f), ln)
    mp, op, modrm, pfx, size, imm, kind, aop, reg, ext, flags, mnem = f
    if mp not in MAPS:
        die("bad map %r" % mp, ln)
    if "-" in op:
        a, b = op.split("-")
        ops = list(range(int(a, 16), int(b, 16) + 1))
    else:
        ops = [int(op, 16)]
    m = parse_modrm(modrm, ln)
    pf = set(range(4)) if pfx == "-" else set()
    if pfx != "-":
        for p in pfx.split("|"):
            if p not in PFX:
                die("bad prefix %r" % p, ln)
            pf.add(PFX[p])
    for v, lst, what in ((size, SIZES, "size"), (imm, IMMS, "imm"), (kind, KINDS, "kind"),
                         (reg, REGS, "reg"), (ext, EXTS, "ext")):
        if v not in lst:
            die("bad %s %r" % (what, v), ln)
    if aop != "-" and aop != "grp" and aop not in OPS:
        die("bad op %r" % aop, ln)
    fl = set()
    dst = "-"
    w = None
    norip = False
    if flags != "-":
        for x in flags.split(","):
            if x.startswith("dst="):
                dst = x[4:]
                if dst not in SIZES:
                    die("bad dst %r" % dst, ln)
            elif x in ("w0", "w1"):
                w = int(x[1])
            elif x == "sibmem":
                fl |= {"cr", "dr"}  # AMX sibmem: SIB required (CR and DR together, x86_decode.c)
            elif x == "l512":
                fl |= {"l0", "l1"}  # EVEX.512 only: L0 and L1 together (x86_vex.h)
            elif x == "norip":
                norip = True  # stored as rmmask bit 5 clear on a memory-only form
            elif x in FLAGS:
                fl.add(x)
            else:
                die("bad flag %r" % x, ln)
    if m.modrm:
        fl.add("modrm")
    if m.mod == "mem":
        fl.add("memonly")
    if m.mod == "reg":
        fl.add("regonly")
    if pfx != "-" and "66" in pfx.split("|") and "np" not in pfx.split("|"):
        fl.add("m66")  # 66 is a mandatory prefix here, not an operand-size override
    if fl & {"cr", "dr", "kr", "mpx", "vsib", "modreg", "notrack"}:
        fl.add("rare")
    rows = []
    for o in ops:
        r = Row()
        r.map, r.op, r.m, r.pf, r.w, r.ln = mp, o, m, pf, w, ln
        r.anypfx = pfx == "-"  # written "-": yields to rows that name their prefixes
        r.size, r.imm, r.kind, r.aop, r.reg, r.ext = size, imm, kind, aop, reg, ext
        r.dst, r.flags, r.mnem, r.ref = dst, fl, mnem, ref.strip()
        r.norip = norip
        rows.append(r)
    return rows


def form_key(r):
    return (r.size, r.imm, r.kind, r.aop, r.reg, r.ext, r.dst, tuple(sorted(r.flags)), r.mnem,
            getattr(r, "norip", False),
            tuple(sorted(r.m.rms)) if r.m.mod == "reg" else (), r.map[0])


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


# Access / destination size per selector index. A form picks one selector
# (operand size, vector length, address size, EVEX/VEX.W or mode) and the
# decoder indexes sz[]/dsz[] with it: no switch on the rule at run time.
SEL_OF = {"v": "osz", "z": "osz", "y": "osz", "vd": "osz", "p": "osz", "bnd": "osz",
          "cx": "osz", "env": "osz", "fs": "osz", "x": "vl", "xh": "vl", "xq": "vl",
          "xo": "vl", "a": "asz", "ws": "w", "s": "mode", "ddup": "vl"}
SELS = ["osz", "vl", "asz", "w", "mode"]
RULE_SIZES = {"v": (2, 4, 8), "z": (2, 4, 4), "y": (4, 4, 8), "vd": (2, 4, 4), "p": (4, 6, 10),
              "bnd": (4, 8, 16), "cx": (8, 8, 16), "env": (14, 28, 28), "fs": (94, 108, 108),
              "x": (16, 32, 64), "xh": (8, 16, 32), "xq": (4, 8, 16), "xo": (2, 4, 8),
              "a": (2, 4, 8), "ws": (4, 8, 8), "s": (6, 6, 10),
              "ddup": (8, 32, 64)}  # (V)MOVDDUP: m64 at 128 bits, the full vector above
FIXED = {"-": 0, "b": 1, "w": 2, "d": 4, "q": 8, "t": 10, "dq": 16, "qq": 32, "o": 64,
         "fx": 512, "xs": 0, "dv": 0}
EXT_CODES = {"none": 0, "zero": 1, "sign": 2, "merge": 3}  # mmioemu_ext order


def sizes(rule):
    return RULE_SIZES[rule] if rule in RULE_SIZES else (FIXED[rule],) * 3


def form_sizes(r):
    a, b = SEL_OF.get(r.size), SEL_OF.get(r.dst) if r.dst != "-" else None
    if a and b and a != b:
        die("size and destination rules select differently", r.ln)
    sel = a or b or "osz"
    sz = sizes(r.size)
    dsz = sizes(r.dst) if r.dst != "-" else sz
    dsz = tuple(x if x < 256 else 0 for x in dsz)  # FXSAVE-sized operands have no register
    return SELS.index(sel), sz, dsz


def form_ext(r, sz, dsz):
    """mmioemu_ext per selector index, packed 2 bits each (loads only)."""
    if r.kind not in ("read", "lods", "aread", "xchg"):
        return 0
    out = 0
    for k in range(3):
        size, dst = sz[k], dsz[k]
        byd = "zero" if dst >= 4 else "merge"
        if r.map[0] in "vex":
            e = "zero"  # VEX/EVEX/XOP loads zero the vector up to VLMAX (SDM 2.3.10.1)
        elif r.ext == "z":
            e = "zero" if dst > size else byd
        elif r.ext == "s":
            e = "sign" if dst > size else byd
        elif r.ext == "m":
            e = "merge"
        else:
            e = byd
        out |= EXT_CODES[e] << (2 * k)
    return out


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
