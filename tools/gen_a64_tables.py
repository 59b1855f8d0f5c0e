#!/usr/bin/env python3
"""Generate the arm64 load/store form tables from decoders/arm64/a64_forms.spec.

Output (checked in, never edited by hand):
  decoders/arm64/a64_tables.gen.h  form struct, address classes, index macro
  decoders/arm64/a64_tables.gen.c  form rows, first-level index, buckets
  decoders/arm64/a64_names.gen.h   mnemonic per form (hosted tools only)
  decoders/arm64/a64_hot.gen.h     the decoder's lookup: row and table types, the
                                   extern (hidden) a64_hot (for a64_fast.h)
  decoders/arm64/a64_hot.gen.c     a64_hot: two-level index, one 64-byte row per form,
                                   register and register-offset tables
With --check, regenerate in memory and exit 1 if a checked-in file differs.
Python 3 standard library only.
"""
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


# ---- output ------------------------------------------------------------------------------

BANNER = ("/* Generated by tools/gen_a64_tables.py - do not edit. Source:\n"
          " * decoders/arm64/a64_forms.spec; change it or the generator, then regenerate. */\n")


def c_flags(fl):
    return " | ".join(FLAGS[x] for x in fl) if fl else "0"


def emit(forms, n_ldst):
    h = [BANNER, "#ifndef MMIOEMU_A64_TABLES_GEN_H\n#define MMIOEMU_A64_TABLES_GEN_H\n\n",
         "#include <mmioemu/insn.h>\n\n",
         "/* Address field extraction class (a64_decode.c). */\nenum {\n"]
    for i, a in enumerate(ADDR):
        h.append("    A64_ADDR_%s = %d,\n" % (a.upper(), i))
    h.append("};\n\n/* Register classes: rows of a64_regmap. */\n")
    h.append("enum { A64_RC_NONE = 0, A64_RC_GPR = 1, A64_RC_FP = 2, A64_RC_BASE = 3, "
             "A64_RC_LIT = 4 };\n\n")
    h.append("/* One concrete form: (word & mask) == value. */\n"
             "typedef struct a64_form {\n    uint32_t mask;\n    uint32_t value;\n"
             "    uint32_t flags;    /* MMIOEMU_F_* */\n"
             "    uint8_t kind;      /* mmioemu_kind */\n"
             "    uint8_t size;      /* bytes per access (0: computed or none) */\n"
             "    uint8_t dst_size;  /* destination register bytes for loads */\n"
             "    uint8_t ext;       /* mmioemu_ext */\n"
             "    uint8_t addr;      /* A64_ADDR_* */\n"
             "    uint8_t rt_cls;    /* A64_RC_* of Rt (bits 4:0) */\n"
             "    uint8_t scale;     /* log2 of the offset / index scale */\n"
             "    uint8_t aux;       /* structures: register / element counts */\n"
             "    uint8_t imm_lo;    /* fast-path offset field: lowest bit, */\n"
             "    uint8_t imm_len;   /* length (0: none), */\n"
             "    uint8_t imm_sext;  /* 64 - length when signed, else 0 */\n"
             "    uint8_t imm_scale; /* log2 multiplier of that field */\n"
             "    uint8_t op;        /* mmioemu_op (MMIOEMU_KIND_ATOMIC) or MMIOEMU_OP_NONE */\n"
             "    uint8_t r2_cls;    /* A64_RC_* of the second register, */\n"
             "    uint8_t r2_shift;  /* its field: 10 (Rt2) or 16 (Rs) */\n"
             "    uint8_t base_cls;  /* A64_RC_BASE, or A64_RC_LIT (base = PC) */\n"
             "    uint8_t idx_cls;   /* A64_RC_GPR for register offsets (Rm), else NONE */\n"
             "    uint8_t pad[3];    /* 32-byte rows */\n"
             "} a64_form;\n\n")
    h.append("#define A64_FORM_COUNT %d\n#define A64_LDST_COUNT %d\n" % (len(forms), n_ldst))
    h.append("/* Every form, by row (= mmioemu_insn.id); the decoder looks forms up through\n"
             " * a64_hot.gen.h and reads this table only for the classes with a routine of\n"
             " * their own. */\n")
    h.append("extern const a64_form a64_forms[A64_FORM_COUNT];\n\n#endif\n")

    c = [BANNER, '#include "a64_tables.gen.h"\n\n',
         "const a64_form a64_forms[A64_FORM_COUNT] = {\n"]
    for k, f in enumerate(forms):
        r2cls = {None: 0, "rt2": RC[f["rc"]], "rs": RC["gpr"]}[f["r2"]]
        regs = "%d, %d, %d, %d" % (r2cls, 16 if f["r2"] == "rs" else 10,
                                   RC["lit"] if f["addr"] == "lit" else RC["base"],
                                   RC["gpr"] if f["addr"] == "reg" else RC["none"])
        lo, ln, sg, scaled = IMM_FIELD.get(f["addr"], (0, 0, False, False))
        c.append("    /* %3d %-8s %s */ {0x%08xu, 0x%08xu, %s, MMIOEMU_KIND_%s, %d, %d, "
                 "MMIOEMU_EXT_%s, A64_ADDR_%s, %d, %d, 0x%02x, %d, %d, %d, %d, MMIOEMU_OP_%s, %s, {0}},\n"
                 % (k, f["name"], f["cls"], f["mask"], f["value"], c_flags(f["flags"]),
                    f["kind"], f["size"], f["dst"], f["ext"], f["addr"].upper(), RC[f["rc"]],
                    f["scale"], f["aux"], lo, ln, 64 - ln if sg else 0,
                    f["scale"] if scaled else 0, f["op"], regs))
    c.append("};\n")

    n = [BANNER, "#ifndef MMIOEMU_A64_NAMES_GEN_H\n#define MMIOEMU_A64_NAMES_GEN_H\n\n",
         "/* Mnemonic of each a64_forms row; for hosted tools (not linked into the core). */\n",
         "static const char *const a64_form_names[%d] = {\n" % len(forms)]
    for i in range(0, len(forms), 6):
        n.append("    " + " ".join('"%s",' % f["name"] for f in forms[i:i + 6]) + "\n")
    n.append("};\n\n#endif\n")
    return {OUT_H: "".join(h), OUT_C: "".join(c), OUT_N: "".join(n)}


def main(argv):
    with open(os.path.join(ROOT, SPEC)) as fh:
        forms, n_ldst = build(fh.read())
    outs = emit(forms, n_ldst)
    outs[OUT_HOT], outs[OUT_HOTC] = emit_hot(*build_hot(forms, n_ldst))
    check = "--check" in argv
    bad = 0
    for path, text in outs.items():
        full = os.path.join(ROOT, path)
        if check:
            try:
                with open(full) as fh:
                    same = fh.read() == text
            except OSError:
                same = False
            if not same:
                print("stale: %s (run tools/gen_a64_tables.py)" % path)
                bad = 1
        else:
            with open(full, "w") as fh:
                fh.write(text)
    if check and not bad:
        print("a64 tables up to date")
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
