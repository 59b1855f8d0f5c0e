"""The x86 form spec (decoders/x86/x86_forms.spec) as data: its vocabulary,
the line parser, and the size / extension rules every form's table row is
built from. Used by gen_x86_tables.py; the format is described there."""
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
