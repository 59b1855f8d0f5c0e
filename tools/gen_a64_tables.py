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

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
# pylint: disable=wrong-import-position
from a64spec import (ROOT, SPEC, OUT_H, OUT_C, OUT_N, OUT_HOT, OUT_HOTC, ADDR,  # noqa: E402
                     IMM_FIELD, RC, form, build, BANNER, c_flags)
from a64hot import (extraction, build_hot, emit_hot)  # noqa: E402


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
