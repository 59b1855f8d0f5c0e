#!/usr/bin/env python3
"""Worst-case stack depth of the core's entry points, from gcc's
-fcallgraph-info=su output (.ci files, one per object): the largest sum of
frame sizes along any call path. Frames include the return address where the
ABI pushes one (x86-64). Calls through caller callbacks (indirect calls) are
not followed: their stack is the caller's. Recursion or an unbounded dynamic
frame makes the depth unknown, which is an error.
usage: stack-depth.py [--over N] DIR ROOT[=LIMIT] ...   (exit 1 if a limit is exceeded)
--over N also lists every call path from each root that is deeper than N
bytes, deepest first (each path to its deepest point, with the depth at each
frame), so "every path <= 512" can be checked path by path."""
import glob
import re
import sys

NODE = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')
SIZE = re.compile(r'\\n(\d+) bytes \(([a-z,]+)\)')


def load(d):
    frames, kinds, calls = {}, {}, {}
    for path in glob.glob(d + "/*.ci"):
        for line in open(path, encoding="utf-8", errors="replace"):
            m = NODE.search(line)
            if m:
                s = SIZE.search(m.group(2))
                if s:  # a function defined here (others are declarations)
                    frames[m.group(1)] = int(s.group(1))
                    kinds[m.group(1)] = s.group(2)
                continue
            m = EDGE.search(line)
            if m:
                calls.setdefault(m.group(1), set()).add(m.group(2))
    return frames, kinds, calls


def depth(fn, frames, kinds, calls, memo, active, unknown):
    if fn in memo:
        return memo[fn]
    if fn == "__indirect_call":
        return 0, [fn]
    if fn not in frames:
        unknown.add(fn + " (not defined in the core)")
        return 0, [fn + "?"]
    if fn in active:
        unknown.add(fn + " (recursion)")
        return 0, [fn + " (recursion)"]
    if kinds[fn] == "dynamic":
        unknown.add(fn + " (unbounded dynamic frame)")
    active.add(fn)
    best, path = 0, []
    for callee in sorted(calls.get(fn, ())):
        d, p = depth(callee, frames, kinds, calls, memo, active, unknown)
        if d > best:
            best, path = d, p
    active.discard(fn)
    memo[fn] = (frames[fn] + best, [fn] + path)
    return memo[fn]


def paths_over(root, limit, frames, calls, memo):
    """Every call path from root (to a leaf or a callback call) whose depth
    is above limit, as (depth, [(function, depth below its frame)...]).
    A subtree whose deepest path stays within the limit is not walked."""
    out = []

    def walk(fn, above, trail):
        here = above + frames.get(fn, 0)
        trail = trail + [(fn, here)]
        callees = [c for c in sorted(calls.get(fn, ())) if c in frames]
        deeper = False
        for c in callees:
            if c in (t[0] for t in trail):
                continue  # recursion: reported as unknown by depth()
            if here + memo.get(c, (0, []))[0] > limit:
                walk(c, here, trail)
                deeper = True
        if not deeper and here > limit:
            out.append((here, trail))

    walk(root, 0, [])
    return sorted(out, key=lambda x: -x[0])


def main():
    args = sys.argv[1:]
    over = None
    if len(args) >= 2 and args[0] == "--over":
        over, args = int(args[1]), args[2:]
    if len(args) < 2:
        print(__doc__)
        return 2
    sys.argv = [sys.argv[0]] + args
    frames, kinds, calls = load(sys.argv[1])
    memo, rc = {}, 0
    for arg in sys.argv[2:]:
        root, _, limit = arg.partition("=")
        unknown = set()
        d, path = depth(root, frames, kinds, calls, memo, set(), unknown)
        short = " > ".join(p.split(":")[-1] for p in path)
        verdict = ""
        if limit:
            ok = d <= int(limit) and not unknown
            verdict = "  (limit %s: %s)" % (limit, "ok" if ok else "EXCEEDED or unknown")
            rc |= 0 if ok else 1
        print("    %-24s %5d bytes  %s%s" % (root, d, short, verdict))
        for u in sorted(unknown):
            print("      unknown depth: " + u)
        if over is not None:
            for d2, trail in paths_over(root, over, frames, calls, memo):
                steps = " > ".join("%s %d" % (f.split(":")[-1], h) for f, h in trail)
                print("      %5d  %s" % (d2, steps))
    return rc


if __name__ == "__main__":
    sys.exit(main())
