"""The arm64 load/store form spec (decoders/arm64/a64_forms.spec) as data:
the vocabulary, the selector rules that name each form, the spec parser and
the expansion into forms, and what every emitter shares. Used by
gen_a64_tables.py (format and outputs described there)."""
import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SPEC = "decoders/arm64/a64_forms.spec"
OUT_H = "decoders/arm64/a64_tables.gen.h"
OUT_C = "decoders/arm64/a64_tables.gen.c"
OUT_N = "decoders/arm64/a64_names.gen.h"
OUT_HOT = "decoders/arm64/a64_hot.gen.h"
OUT_HOTC = "decoders/arm64/a64_hot.gen.c"

# Address classes. Those before "pac" are extracted on the decoder's fast path
# from one immediate field (IMM_FIELD: low bit, length, signed, scaled by the
# form's scale or not); the rest have a routine of their own.
ADDR = ["uimm", "simm9", "reg", "lit", "pair", "base", "mte", "pac", "smult", "ssingle",
        "mops", "sys"]
IMM_FIELD = {"uimm": (10, 12, False, True), "simm9": (12, 9, True, False),
             "lit": (5, 19, True, True), "pair": (15, 7, True, True),
             "mte": (12, 9, True, True)}
FLAGS = {"wb_pre": "MMIOEMU_F_WB_PRE", "wb_post": "MMIOEMU_F_WB_POST",
         "unpriv": "MMIOEMU_F_UNPRIV", "nt": "MMIOEMU_F_NT", "literal": "MMIOEMU_F_LITERAL",
         "acq": "MMIOEMU_F_ACQUIRE", "rel": "MMIOEMU_F_RELEASE"}
# Register classes: rows of a64_regmap (register field value -> descriptor
# register number).
RC = {"none": 0, "gpr": 1, "fp": 2, "base": 3, "lit": 4}
REGMAP = [[0xff] * 32,                        # none
          list(range(31)) + [33],             # GPR: 31 = XZR/WZR (C1.2.5)
          [64 + i for i in range(32)],        # SIMD&FP: V0 + n
          list(range(32)),                    # base: 31 = SP
          [32] * 32]                          # literal: base = PC (MMIOEMU_REG_RIP)

# Two-level index (a64_hot.gen.h): the first level is bits 31:21 of the word
# (size, V, the class bits, opc, bit 21); its entry names a slice of the second
# level and which of bits 15:10 (the unscaled/pre/post/unpriv/register-offset
# selector 11:10, and the LSE, exclusive, structure and MOPS opcode bits 15:12)
# index that slice. The generator picks, per entry, the fewest bits that leave at
# most one candidate form per cell, so the decoder never scans: one candidate,
# one mask compare. Words outside the group land on a row that never matches.
L1_SHIFT = 21
SUB_LO, SUB_BITS = 10, 6


def form(kind, size, name, rc="gpr", dst=None, ext="NONE", flags=(), scale=0, aux=0, r2=None,
         fixed=None, op="NONE"):
    if dst is None:
        dst = size
    return dict(kind=kind, size=size, name=name, rc=rc, dst=dst, ext=ext, flags=list(flags),
                scale=scale, aux=aux, r2=r2, fixed=fixed or {}, op=op)


def sfx(s):
    return ["b", "h", "", ""][s]


# ---- rules: selector values -> form (or None = unallocated) ----------------------------

def rule_int(v, stems, acqrel=False):
    """Arm ARM C6.2 LDR/STR/LDRB/LDRSB/... (immediate, register, unscaled, unpriv):
    size:opc, opc<1> = 1 loads sign-extended (opc<0> = 0: to X, 1: to W)."""
    s, o = v["s"], v["o"]
    st, ld = stems[0], stems[1]
    prf = stems[2] if len(stems) > 2 else "-"
    size = 1 << s
    rel = ["rel"] if acqrel else []
    acq = ["acq"] if acqrel else []
    if o == 0:
        return form("WRITE", size, st + sfx(s), flags=rel, scale=s)
    if o == 1:
        return form("READ", size, ld + sfx(s), dst=8 if s == 3 else 4, ext="ZERO", flags=acq,
                    scale=s)
    if o == 2:
        if s == 3:  # PRFM / PRFUM: a hint, no data access
            return None if prf == "-" else form("FLUSH", 0, prf, rc="none", scale=3)
        return form("READ", size, ld + "s" + ("w" if s == 2 else sfx(s)), dst=8, ext="SIGN",
                    flags=acq, scale=s)
    if s >= 2:  # opc = 11: LDRSB/LDRSH to W only
        return None
    return form("READ", size, ld + "s" + sfx(s), dst=4, ext="SIGN", flags=acq, scale=s)


def rule_rcpc(v, stems):
    """C6.2 LDAPUR*/STLUR*: the integer size:opc table without prefetch."""
    return rule_int(v, stems[:2], acqrel=True)


def rule_fp(v, stems):
    """C7.2 LDR/STR (SIMD&FP): size:opc<1> selects B/H/S/D, 00:1 is Q; opc<0> = load."""
    s, o = v["s"], v["o"]
    if o >> 1:
        if s != 0:
            return None
        size, scale = 16, 4
    else:
        size, scale = 1 << s, s
    if o & 1:
        return form("READ", size, stems[1], rc="fp", dst=16, ext="ZERO", scale=scale)
    return form("WRITE", size, stems[0], rc="fp", scale=scale)


def rule_lit_gpr(v, stems):
    """C6.2 LDR (literal) W/X, LDRSW (literal), PRFM (literal)."""
    o = v["o"]
    if o == 3:
        return form("FLUSH", 0, "prfm", rc="none", scale=2)
    if o == 2:
        return form("READ", 4, "ldrsw", dst=8, ext="SIGN", scale=2)
    return form("READ", 4 << o, "ldr", dst=4 << o, ext="ZERO", scale=2)


def rule_lit_fp(v, stems):
    """C7.2 LDR (literal, SIMD&FP): opc 00 S, 01 D, 10 Q, 11 unallocated."""
    o = v["o"]
    if o == 3:
        return None
    return form("READ", 4 << o, "ldr", rc="fp", dst=16, ext="ZERO", scale=2)


def rule_pair_gpr(v, stems, noalloc):
    """C6.2 LDP/STP/LDNP/STNP/LDPSW; opc 01 with L=0 is STGP (FEAT_MTE) outside the
    no-allocate class; opc 11 unallocated."""
    o, L = v["o"], v["L"]
    if o == 3:
        return None
    if o == 1:
        if noalloc:
            return None
        if L:
            return form("LOAD_PAIR", 4, "ldpsw", dst=8, ext="SIGN", scale=2, r2="rt2")
        return form("OTHER", 8, "stgp", scale=4, r2="rt2")
    size = 4 << (o >> 1)
    if L:
        return form("LOAD_PAIR", size, stems[1], dst=size, ext="ZERO", scale=o // 2 + 2, r2="rt2")
    return form("STORE_PAIR", size, stems[0], scale=o // 2 + 2, r2="rt2")


def rule_pair_fp(v, stems, noalloc):
    """C7.2 LDP/STP/LDNP/STNP (SIMD&FP): opc 00 S, 01 D, 10 Q."""
    o, L = v["o"], v["L"]
    if o == 3:
        return None
    size = 4 << o
    if L:
        return form("LOAD_PAIR", size, stems[1], rc="fp", dst=16, ext="ZERO", scale=o + 2,
                    r2="rt2")
    return form("STORE_PAIR", size, stems[0], rc="fp", scale=o + 2, r2="rt2")


RT2_ONES = {b: 1 for b in range(10, 15)}


def rule_excl(v, stems):
    """C4.1.88 exclusive/ordered/CAS: o2 (a), L, o1 (b), o0 (c)."""
    s, a, L, b, c = v["s"], v["a"], v["L"], v["b"], v["c"]
    size = 1 << s
    if a == 1 and b == 0:  # LDAR/STLR (o0=1), LDLAR/STLLR (o0=0, FEAT_LOR)
        if L:
            return form("READ", size, ("ldar" if c else "ldlar") + sfx(s),
                        dst=8 if s == 3 else 4, ext="ZERO", flags=["acq"])
        return form("WRITE", size, ("stlr" if c else "stllr") + sfx(s), flags=["rel"])
    # CAS and CASP fix Rt2 (bits 14:10) to 11111; other values are unallocated
    # (C4.1.88 "Compare and swap" / "Compare and swap pair"). The (1) bits of
    # LDAR/STLR/LDXR... are should-be-one: decoded whatever they hold.
    if a == 1 and b == 1:  # CAS{A}{L}{B,H}: L = acquire, o0 = release
        return form("ATOMIC", size, "cas" + "a" * L + "l" * c + sfx(s), dst=8 if s == 3 else 4,
                    ext="ZERO", r2="rs", fixed=RT2_ONES, op="CAS",
                    flags=["acq"] * L + ["rel"] * c)
    if b == 1:
        if s < 2:  # CASP{A}{L}, sz = size<0>; odd Rs or Rt is UNDEFINED
            return form("OTHER", 4 << s, "casp" + "a" * L + "l" * c, r2="rs",
                        fixed={**RT2_ONES, 16: 0, 0: 0})
        nm = ("ldaxp" if c else "ldxp") if L else ("stlxp" if c else "stxp")
        return form("OTHER", 4 << (s & 1), nm, r2="rt2")
    nm = ("ldaxr" if c else "ldxr") if L else ("stlxr" if c else "stxr")
    return form("OTHER", size, nm + sfx(s), r2=None if L else "rs")


ATOMIC_OPS = ["ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin", "ldumax", "ldumin"]
# C6.2 LD<op>: opc -> mmioemu_op (LDCLR = AND NOT, LDEOR = XOR, LDSET = OR)
ATOMIC_MOPS = ["ADD", "ANDN", "XOR", "OR", "SMAX", "SMIN", "UMAX", "UMIN"]
RS_ONES = {b: 1 for b in range(16, 21)}


def rule_atomic(v, stems):
    """C4.1.88 atomic memory operations: o3 (p) opc (o); LDAPR (FEAT_LRCPC);
    LD64B/ST64B/ST64BV/ST64BV0 (FEAT_LS64, size 11, A=R=0)."""
    s, A, R, p, o = v["s"], v["A"], v["R"], v["p"], v["o"]
    ar = "a" * A + "l" * R
    dst = 8 if s == 3 else 4
    fl = ["acq"] * A + ["rel"] * R
    if p == 0:
        return form("ATOMIC", 1 << s, ATOMIC_OPS[o] + ar + sfx(s), dst=dst, ext="ZERO", r2="rs",
                    op=ATOMIC_MOPS[o], flags=fl)
    if o == 0:
        return form("ATOMIC", 1 << s, "swp" + ar + sfx(s), dst=dst, ext="ZERO", r2="rs",
                    op="SWP", flags=fl)
    if o == 4:
        if A == 1 and R == 0:
            return form("READ", 1 << s, "ldapr" + sfx(s), dst=8 if s == 3 else 4, ext="ZERO",
                        flags=["acq"], fixed=RS_ONES)
        return None
    if s == 3 and A == 0 and R == 0:
        if o == 1:
            return form("OTHER", 64, "st64b", fixed=RS_ONES)
        if o == 5:
            return form("OTHER", 64, "ld64b", fixed=RS_ONES)
        if o == 2:
            return form("OTHER", 64, "st64bv0", r2="rs")
        if o == 3:
            return form("OTHER", 64, "st64bv", r2="rs")
    return None


def rule_pac(v, stems):
    """C6.2 LDRAA/LDRAB: a pointer-authenticated 8-byte load, W = pre-index writeback."""
    return form("OTHER", 8, stems[v["M"]], dst=8, flags=["wb_pre"] if v["W"] else [], scale=3)


# opcode -> (name stem, registers, structure elements); C4.1.88 "Advanced SIMD
# load/store multiple structures".
ST_MULT = {0b0000: ("4", 4, 4), 0b0010: ("1", 4, 1), 0b0100: ("3", 3, 3), 0b0110: ("1", 3, 1),
           0b0111: ("1", 1, 1), 0b1000: ("2", 2, 2), 0b1010: ("1", 2, 1)}


def rule_st_mult(v, stems):
    ent = ST_MULT.get(v["o"])
    if not ent:
        return None
    nm = ("ld" if v["L"] else "st") + ent[0]
    # aux: registers in bits 3:0, bit 4 = more than one element per structure
    return form("OTHER", 0, nm, rc="fp", aux=ent[1] | (0x10 if ent[2] > 1 else 0))


def rule_st_single(v, stems):
    """C4.1.88 "Advanced SIMD load/store single structure": opcode<2:1> is the
    element class (B, H, S/D, replicate), selem = opcode<0>:R + 1."""
    o, L, R = v["o"], v["L"], v["R"]
    cls = o >> 1
    selem = ((o & 1) << 1 | R) + 1
    if cls == 3 and not L:
        return None
    nm = ("ld" if L else "st") + str(selem) + ("r" if cls == 3 else "")
    return form("OTHER", 0, nm, rc="fp", aux=selem | (cls << 4))


def rule_mte(v, stems):
    """C4.1.88 "Load/store memory tags": op1 (o), op2 (p)."""
    o, p = v["o"], v["p"]
    if p == 0:
        names = ["stzgm", "ldg", "stgm", "ldgm"]
        fixed = {} if o == 1 else {b: 0 for b in range(12, 21)}  # imm9 must be 0
        return form("OTHER", 16 if o == 1 else 0, names[o], scale=4, fixed=fixed)
    names = ["stg", "stzg", "st2g", "stz2g"]
    fl = {1: ["wb_post"], 2: [], 3: ["wb_pre"]}[p]
    return form("OTHER", 32 if o >= 2 else 16, names[o], flags=fl, scale=4)


def rule_mops(v, stems):
    """C4.1.88 "Memory Copy and Memory Set" (FEAT_MOPS): multi-step, never emulated."""
    d, o, q = v["d"], v["o"], v["q"]
    if o == 3:  # SET (o0 = 0) / SETG (o0 = 1): op2<3:2> is P/M/E, 11 unallocated
        return None if q == 3 else form("OTHER", 0, ("setg" if d else "set") + "pme"[q], rc="none")
    return form("OTHER", 0, ("cpy" if d else "cpyf") + "pme"[o], rc="none")


# C5.3 DC / IC operations by VA: (op1, CRm, op2) -> (name, kind)
SYS_OPS = {(3, 4, 1): ("dc zva", "OTHER"), (3, 4, 3): ("dc gva", "OTHER"),
           (3, 4, 4): ("dc gzva", "OTHER"), (0, 6, 1): ("dc ivac", "FLUSH"),
           (0, 6, 3): ("dc igvac", "FLUSH"), (0, 6, 5): ("dc igdvac", "FLUSH"),
           (3, 10, 1): ("dc cvac", "FLUSH"), (3, 10, 3): ("dc cgvac", "FLUSH"),
           (3, 10, 5): ("dc cgdvac", "FLUSH"), (3, 11, 1): ("dc cvau", "FLUSH"),
           (3, 12, 1): ("dc cvap", "FLUSH"), (3, 12, 3): ("dc cgvap", "FLUSH"),
           (3, 12, 5): ("dc cgdvap", "FLUSH"), (3, 13, 1): ("dc cvadp", "FLUSH"),
           (3, 13, 3): ("dc cgvadp", "FLUSH"), (3, 13, 5): ("dc cgdvadp", "FLUSH"),
           (3, 14, 1): ("dc civac", "FLUSH"), (3, 14, 3): ("dc cigvac", "FLUSH"),
           (3, 14, 5): ("dc cigdvac", "FLUSH"), (3, 5, 1): ("ic ivau", "FLUSH")}


def rule_sys(v, stems):
    ent = SYS_OPS.get((v["o"], v["m"], v["p"]))
    if not ent:
        return None
    return form(ent[1], 0, ent[0], rc="none")


RULES = {
    "int": (rule_int, "so"), "fp": (rule_fp, "so"), "rcpc": (rule_rcpc, "so"),
    "lit_gpr": (rule_lit_gpr, "o"), "lit_fp": (rule_lit_fp, "o"),
    "pair_gpr": (rule_pair_gpr, "oL"), "pair_fp": (rule_pair_fp, "oL"),
    "excl": (rule_excl, "saLbc"), "atomic": (rule_atomic, "sARpo"), "pac": (rule_pac, "MW"),
    "st_mult": (rule_st_mult, "oL"), "st_single": (rule_st_single, "oLR"),
    "mte": (rule_mte, "op"), "mops": (rule_mops, "doq"), "sys": (rule_sys, "omp"),
}


# ---- spec -> forms -----------------------------------------------------------------------

def parse_spec(text):
    lines = []
    for ln, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        f = line.split()
        if len(f) != 6:
            sys.exit("%s:%d: want 6 columns, got %d" % (SPEC, ln, len(f)))
        cls, pat, rule, addr, flags, mn = f
        if len(pat) != 32:
            sys.exit("%s:%d: pattern is %d bits" % (SPEC, ln, len(pat)))
        if rule not in RULES or addr not in ADDR:
            sys.exit("%s:%d: unknown rule or addr" % (SPEC, ln))
        lines.append(dict(cls=cls, pat=pat, rule=rule, addr=addr,
                          flags=[] if flags == "-" else flags.split(","),
                          stems=mn.split(","), line=ln))
    return lines


def letter_bits(pat, letter):
    """Bit positions of a field letter, most significant first."""
    return [31 - i for i, ch in enumerate(pat) if ch == letter]


def expand(spec_line):
    pat = spec_line["pat"]
    fn, sel = RULES[spec_line["rule"]]
    mask = value = 0
    for i, ch in enumerate(pat):
        if ch in "01":
            mask |= 1 << (31 - i)
            value |= int(ch) << (31 - i)
    fields = [(c, letter_bits(pat, c)) for c in sel]
    for c, bits in fields:
        if not bits:
            sys.exit("%s:%d: rule %s needs field %s" % (SPEC, spec_line["line"], spec_line["rule"], c))
    total = sum(len(b) for _, b in fields)
    out = []
    for combo in range(1 << total):
        vals, m, val, shift = {}, mask, value, total
        for c, bits in fields:
            shift -= len(bits)
            x = (combo >> shift) & ((1 << len(bits)) - 1)
            vals[c] = x
            for k, b in enumerate(bits):
                m |= 1 << b
                val |= ((x >> (len(bits) - 1 - k)) & 1) << b
        stems = spec_line["stems"]
        if spec_line["rule"] in ("pair_gpr", "pair_fp"):
            f = fn(vals, stems, "nt" in spec_line["flags"])
        else:
            f = fn(vals, stems)
        if f is None:
            continue
        for b, bitval in f["fixed"].items():
            m |= 1 << b
            val = (val & ~(1 << b)) | (bitval << b)
        f["mask"], f["value"] = m, val
        f["addr"] = spec_line["addr"]
        f["flags"] = spec_line["flags"] + f["flags"]
        f["cls"] = spec_line["cls"]
        out.append(f)
    return out


def in_ldst_group(mask, value):
    """C4.1: the Loads and Stores group is op0 = x1x0 (bit 27 = 1, bit 25 = 0)."""
    need = (1 << 27) | (1 << 25)
    return (mask & need) == need and (value & need) == (1 << 27)


def build(spec_text):
    forms = []
    for sl in parse_spec(spec_text):
        forms.extend(expand(sl))
    ldst = [f for f in forms if in_ldst_group(f["mask"], f["value"])]
    sysf = [f for f in forms if not in_ldst_group(f["mask"], f["value"])]
    forms = ldst + sysf
    # No two forms may match one word.
    for i in range(len(forms)):
        a = forms[i]
        for j in range(i + 1, len(forms)):
            b = forms[j]
            if ((a["value"] ^ b["value"]) & a["mask"] & b["mask"]) == 0:
                sys.exit("overlap: %s %s vs %s %s" % (a["cls"], a["name"], b["cls"], b["name"]))
    return forms, len(ldst)


# ---- shared by the emitters ------------------------------------------------------------------------------

BANNER = ("/* Generated by tools/gen_a64_tables.py - do not edit. Source:\n"
          " * decoders/arm64/a64_forms.spec; change it or the generator, then regenerate. */\n")


def c_flags(fl):
    return " | ".join(FLAGS[x] for x in fl) if fl else "0"
