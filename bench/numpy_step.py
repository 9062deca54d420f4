"""Baseline for bench/targets.bench.ts (issue 8): NumPy's time per RK4 step of one trajectory,
f(x) = -x + J @ tanh(x), x = x + dt/6 (k1 + 2 k2 + 2 k3 + k4), J i.i.d. Gaussian N x N (variance G^2 / N).
  python3 numpy_step.py N G DT DTYPE STEPS
Prints {"msPerStep": best of 3 runs of STEPS steps} as JSON (OpenBLAS uses every core it finds). Not a runtime dependency.
"""
import json
import sys
import time

import numpy as np

N, G, DT, DTYPE, STEPS = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], int(sys.argv[5])
dtype = np.float32 if DTYPE == "float32" else np.float64
rng = np.random.default_rng(1)
J = (rng.standard_normal((N, N)) * (G / np.sqrt(N))).astype(dtype)
x = rng.standard_normal(N).astype(dtype)
dt = dtype(DT)
f = lambda x: -x + J @ np.tanh(x)
best = float("inf")
for _ in range(3):
    t = time.perf_counter()
    for _ in range(STEPS):
        k1 = f(x)
        k2 = f(x + 0.5 * dt * k1)
        k3 = f(x + 0.5 * dt * k2)
        k4 = f(x + dt * k3)
        x = x + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    best = min(best, time.perf_counter() - t)
print(json.dumps({"msPerStep": 1000 * best / STEPS, "check": float(np.abs(x).mean())}))
