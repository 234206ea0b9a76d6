#!/usr/bin/env python3
# layers.py - the layer check of make test: no layer of src/ includes (or,
# given objects, calls) a layer above it, and no modules form a circle.
#
#   tests/layers.py [--objects BUILD/obj]
#
# The layers, bottom up (README's "The tree"):
#   guest/ (the hypercall ABI) < src/vmm < src/x86 < src/devices < src/gdb
#   < the programs, src/simple-kvm and src/matrix, which sit side by side.
# A file may include headers of its own folder and of the folders below it;
# the Makefile's per-layer include paths enforce the same when compiling,
# this check also sees what the compiler would let through (a header of a
# lower layer that includes one of a higher, compiled from above).
# A module is one name in one folder (vm.c with vm.h); a file that includes
# NAME_priv.h is part of NAME. Module A uses module B when a file of A
# includes B's header or, with --objects, when A's object refers to a
# symbol that B's object defines (nm). The graph of "uses" must have no
# cycle: two modules that use each other, directly or through others, are
# one module in two files, or want an ops table passed down.
# Prints TAP lines, each problem on a "#" line before its "not ok"; exits 1
# when a check fails.
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# folder -> rank; folders of equal rank may not use each other either.
LAYERS = {
    "guest": 0,
    "src/vmm": 1,
    "src/x86": 2,
    "src/devices": 3,
    "src/gdb": 4,
    "src/simple-kvm": 5,
    "src/matrix": 5,
}
SRC_LAYERS = [d for d in LAYERS if d.startswith("src/")]
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def sources():
    """Every .c, .h and .S file of src/, and guest/'s headers (the ABI that
    src/ includes), as paths relative to ROOT."""
    out = []
    for d in LAYERS:
        exts = (".h",) if d == "guest" else (".c", ".h", ".S")
        if not os.path.isdir(os.path.join(ROOT, d)):
            continue
        for name in sorted(os.listdir(os.path.join(ROOT, d))):
            if name.endswith(exts):
                out.append(d + "/" + name)
    return out


def unlayered():
    """Folders of src/ that LAYERS does not place: a new one needs a rank."""
    return ["src/%s has no layer in tests/layers.py (and README's tree)" % n
            for n in sorted(os.listdir(os.path.join(ROOT, "src")))
            if os.path.isdir(os.path.join(ROOT, "src", n))
            and "src/" + n not in LAYERS]


def resolve(src, header):
    """The file an #include "header" in src names: its own folder first,
    then any layer's folder (wherever it is, so that a reach up is seen
    whatever the include path says). None when it is not in the tree."""
    own = os.path.normpath(os.path.join(os.path.dirname(src), header))
    if os.path.isfile(os.path.join(ROOT, own)):
        return own
    for d in LAYERS:
        cand = os.path.normpath(os.path.join(d, header))
        if os.path.isfile(os.path.join(ROOT, cand)):
            return cand
    return None


def folder(path):
    return os.path.dirname(path)


PRIV = {}  # file -> NAME, for a file that includes NAME_priv.h


def module(path):
    """vm.c, vm.h -> src/vmm/vm; fault_blobs.S -> src/x86/fault_blobs. A
    private header NAME_priv.h, and every file that includes it (a module
    split over files, as the decoder and its opcode maps), -> NAME."""
    base = os.path.splitext(path)[0]
    if base.endswith("_priv"):
        return base[:-5]
    return PRIV.get(path, base)


def allowed(user, used):
    """True when a file in folder user may use folder used."""
    if user == used:
        return True
    return LAYERS[used] < LAYERS[user]


def include_edges():
    """(src, line, target) for every quoted include that resolves."""
    edges = []
    for src in sources():
        with open(os.path.join(ROOT, src), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = resolve(src, m.group(1))
                if target is None:
                    continue
                edges.append((src, n, target))
                if target.endswith("_priv.h"):
                    PRIV[src] = target[:-7]
    return edges


def nm(obj):
    out = subprocess.run(["nm", obj], capture_output=True, text=True,
                         check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDRBCGSV":
            defined.add(parts[2])
    return defined, undefined


def mod_of_obj(obj):
    """The module of src/x86/foo (an object's path without .o)."""
    for ext in (".c", ".S"):
        if os.path.isfile(os.path.join(ROOT, obj + ext)):
            return module(obj + ext)
    return obj


def call_edges(objdir):
    """(module, symbol, module) for every global symbol one object of src/
    uses and another defines; objdir is the build's obj/ (build/obj)."""
    objs = {}
    for d in SRC_LAYERS:
        od = os.path.join(objdir, d)
        if not os.path.isdir(od):
            continue
        for name in sorted(os.listdir(od)):
            obj = d + "/" + name[:-2]
            # an object of a source since moved or gone is not the tree's
            if name.endswith(".o") and any(
                    os.path.isfile(os.path.join(ROOT, obj + e))
                    for e in (".c", ".S")):
                objs[obj] = nm(os.path.join(od, name))
    owner = {}
    for obj, (defined, _) in objs.items():
        for sym in defined:
            owner[sym] = obj
    edges = []
    for obj, (_, undefined) in objs.items():
        for sym in sorted(undefined):
            if sym in owner and mod_of_obj(owner[sym]) != mod_of_obj(obj):
                edges.append((obj, sym, owner[sym]))
    return edges


def cycles(graph):
    """The strongly connected components of more than one node (Tarjan),
    each as one cycle through all of its nodes' first found path."""
    index, low, stack, on, comps = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [(one_cycle(graph, set(c), c[0]), c) for c in comps]


def one_cycle(graph, comp, start):
    """A shortest path start -> ... -> start inside comp (breadth first)."""
    prev, todo = {start: None}, [start]
    while todo:
        nxt = []
        for v in todo:
            for w in sorted(graph.get(v, ())):
                if w == start:
                    path = [v]
                    while prev[path[-1]] is not None:
                        path.append(prev[path[-1]])
                    return list(reversed(path)) + [start]
                if w in comp and w not in prev:
                    prev[w] = v
                    nxt.append(w)
        todo = nxt
    return [start]


def describe(found):
    """One line per circle: a shortest one, and all the modules caught in
    it with others (its strongly connected component) when there are more."""
    out = []
    for cyc, comp in found:
        line = "circle: " + " -> ".join(cyc)
        if len(comp) > len(cyc) - 1:
            line += " (in a knot of %d: %s)" % (len(comp), " ".join(comp))
        out.append(line)
    return out


def check(name, problems):
    if problems:
        for p in problems:
            print("# " + p)
        print("not ok - " + name)
        return False
    print("ok - " + name)
    return True


def include_checks():
    """(name, problems) for the include lines of the tree at ROOT."""
    incs = include_edges()
    ups = ["%s:%d: %s includes %s, from the layer above (%s)" %
           (s, n, folder(s), t, folder(t))
           for s, n, t in incs if not allowed(folder(s), folder(t))]
    if not incs:
        ups.append("no #include lines found under %s/src" % ROOT)
    graph = {}
    for s, _, t in incs:
        if module(s) != module(t):
            graph.setdefault(module(s), set()).add(module(t))
    return [("every folder of src/ has a layer", unlayered()),
            ("no file of src/ includes a header from a layer above it", ups),
            ("no circle of includes among src/'s modules",
             describe(cycles(graph)))]


def call_checks(objdir):
    """(name, problems) for the symbols the objects under objdir use."""
    calls = call_edges(objdir)
    if not calls:
        return [("objects of src/ under " + objdir,
                 ["none found: build first"])]
    ups = ["%s.o uses %s from %s.o, in the layer above" % (u, sym, d)
           for u, sym, d in calls if not allowed(folder(u), folder(d))]
    graph = {}
    for u, _, d in calls:
        graph.setdefault(mod_of_obj(u), set()).add(mod_of_obj(d))
    return [("no object of src/ calls into a layer above it", ups),
            ("no circle of calls among src/'s modules",
             describe(cycles(graph)))]


def self_test():
    """The include checks on a planted tree: a reach up (vmm including an
    x86 header) and a circle (two gdb files including each other's headers)
    must both be found, or the checks could pass on anything."""
    global ROOT
    saved, planted = ROOT, {
        "src/vmm/a.c": '#include "a.h"\n#include "b.h"\n',
        "src/vmm/a.h": "",
        "src/x86/b.h": "",
        "src/gdb/c.c": '#include "c.h"\n#include "d.h"\n',
        "src/gdb/c.h": "",
        "src/gdb/d.c": '#include "d.h"\n#include "c.h"\n',
        "src/gdb/d.h": "",
    }
    with tempfile.TemporaryDirectory() as tmp:
        for path, text in planted.items():
            os.makedirs(os.path.join(tmp, os.path.dirname(path)),
                        exist_ok=True)
            with open(os.path.join(tmp, path), "w", encoding="utf-8") as f:
                f.write(text)
        ROOT = tmp
        try:
            found = dict(include_checks())
        finally:
            ROOT = saved
    ups = found["no file of src/ includes a header from a layer above it"]
    circles = found["no circle of includes among src/'s modules"]
    bad = []
    if ups != ["src/vmm/a.c:2: src/vmm includes src/x86/b.h, from the "
               "layer above (src/x86)"]:
        bad.append("planted reach up not found as such: %r" % ups)
    if circles != ["circle: src/gdb/c -> src/gdb/d -> src/gdb/c"]:
        bad.append("planted circle not found as such: %r" % circles)
    return bad


def main(argv):
    objdir = None
    if len(argv) == 3 and argv[1] == "--objects":
        objdir = argv[2]
    elif len(argv) != 1:
        print("usage: tests/layers.py [--objects BUILD/obj]", file=sys.stderr)
        return 2
    ok = check("the checks find a planted reach up and a planted circle",
               self_test())
    results = include_checks()
    if objdir is not None:
        results += call_checks(objdir)
    for name, problems in results:
        ok &= check(name, problems)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
