"""Baseline for bench/svd.bench.ts: time one numpy.linalg routine on a .npy matrix (best of 2) and print JSON.
  values:  numpy.linalg.svd(A, compute_uv=False)        -> {"seconds", "s"}
  vectors: numpy.linalg.svd(A) and the overlaps u_a.v_a  -> {"seconds", "s", "overlaps"}
  eig:     numpy.linalg.eigvals(A), by decreasing modulus -> {"seconds", "re", "im"}
  pcs:     numpy.linalg.eigh(A), eigenvalues descending  -> {"seconds", "s"}
  pcvalues: numpy.linalg.eigvalsh(A), descending         -> {"seconds", "s"}
Not a runtime dependency of strand."""
import json
import sys
import time

import numpy as np

A = np.load(sys.argv[1])
mode = sys.argv[2] if len(sys.argv) > 2 else "values"
best, out = float("inf"), None
for _ in range(2):
    t = time.perf_counter()
    if mode == "values":
        r = np.linalg.svd(A, compute_uv=False)
    elif mode == "vectors":
        r = np.linalg.svd(A)
    elif mode == "pcs":
        r = np.linalg.eigh(A)
    elif mode == "pcvalues":
        r = np.linalg.eigvalsh(A)
    else:
        r = np.linalg.eigvals(A)
    best = min(best, time.perf_counter() - t)
    out = r
if mode == "values":
    doc = {"s": out.tolist()}
elif mode == "vectors":
    U, S, Vt = out
    doc = {"s": S.tolist(), "overlaps": np.einsum("ia,ai->a", U, Vt).tolist()}
elif mode == "pcs":
    doc = {"s": out[0][::-1].tolist()}
elif mode == "pcvalues":
    doc = {"s": out[::-1].tolist()}
else:
    ev = out[np.argsort(-np.abs(out), kind="stable")]
    doc = {"re": ev.real.tolist(), "im": ev.imag.tolist()}
doc["seconds"] = best
print(json.dumps(doc))
