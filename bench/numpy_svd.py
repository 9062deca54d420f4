"""Baseline for bench/svd.bench.ts: time numpy.linalg.svd(A, compute_uv=False) on a .npy matrix (best of 2),
print {"seconds": ..., "s": [...]} as JSON. Not a runtime dependency of strand."""
import json
import sys
import time

import numpy as np

A = np.load(sys.argv[1])
best = float("inf")
for _ in range(2):
    t = time.perf_counter()
    s = np.linalg.svd(A, compute_uv=False)
    best = min(best, time.perf_counter() - t)
print(json.dumps({"seconds": best, "s": s.tolist()}))
