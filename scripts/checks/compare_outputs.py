"""Compare the numbers two MaceMD builds wrote (extended XYZ frames, stats logs), exactly.

Metadata that issue 12 added on purpose (head/model/precision info keys, the target_temperature_K
column, the stats header style) is not compared; every number both files have must be equal bit for bit.
usage: python -m scripts.checks.compare_outputs BASE_FILE NEW_FILE   (ASE env: scripts/requirements-ase.txt)
"""
import sys
import numpy as np
from ase.io import read

def stats(path):
    lines = [l for l in open(path) if l.strip()]
    names = lines[0].lstrip('#').split()
    rows = [l.split() for l in lines[1:] if not l.lstrip().startswith('#')]
    return {n: [r[i] for r in rows] for i, n in enumerate(names)}

a, b = sys.argv[1], sys.argv[2]
if a.endswith('.log'):
    sa, sb = stats(a), stats(b)
    common = [n for n in sa if n in sb]
    bad = [n for n in common if sa[n] != sb[n]]
    print(("DIFFERENT " + ",".join(bad)) if bad else f"identical numbers ({len(common)} columns, {len(sa[common[0]])} rows)", a)
    sys.exit(1 if bad else 0)
fa, fb = read(a, ':'), read(b, ':')
assert len(fa) == len(fb), (len(fa), len(fb))
bad = []
for k, (x, y) in enumerate(zip(fa, fb)):
    checks = {'positions': (x.positions, y.positions), 'cell': (x.cell[:], y.cell[:]), 'numbers': (x.numbers, y.numbers)}
    if x.has('momenta'): checks['momenta'] = (x.get_momenta(), y.get_momenta())
    if x.calc is not None:
        for key in ('energy', 'forces', 'stress'):
            if key in x.calc.results: checks[key] = (x.calc.results[key], y.calc.results.get(key))
    for key in ('step', 'time_fs'):
        if key in x.info: checks[key] = (x.info[key], y.info.get(key))
    for key, (p, q) in checks.items():
        if q is None or not np.array_equal(np.asarray(p), np.asarray(q)): bad.append(f"frame {k} {key}")
print(("DIFFERENT " + ", ".join(bad[:5])) if bad else f"identical numbers ({len(fa)} frames)", a)
sys.exit(1 if bad else 0)
