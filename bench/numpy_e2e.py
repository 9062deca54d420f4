"""Whole-process NumPy baseline for bench/e2e.bench.ts (issue 30): the straightforward script a user would write.

Draws J, then TRIALS trajectories, each RK4 (dt DT) from x(0) ~ N(0, 1) with a burn-in of BURN time units and T
sampled time units (one sample per time unit), f(x) = -x + J @ tanh(x); all samples stacked, the mean removed,
C = S^T S / n and PR = tr(C)^2 / (N ||C||_F^2). Run once: the caller times the whole process.
  python3 numpy_e2e.py dense N G T DT BURN TRIALS SEED            (J i.i.d. Gaussian, variance G^2 / N)
  python3 numpy_e2e.py rmm N G T DT BURN TRIALS SEED ALPHA        (J = L diag(D) R^T formed densely, flat D)
Prints {"pr": ...}. float32, as strand's default. Not a runtime dependency.
"""
import json
import sys

import numpy as np

kind, N, G, T, DT, BURN, TRIALS, SEED = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
rng = np.random.default_rng(SEED)
dtype = np.float32
if kind == "dense":
    J = (rng.standard_normal((N, N)) * (G / np.sqrt(N))).astype(dtype)
else:
    alpha = float(sys.argv[9])
    M = int(round(alpha * N))
    L = rng.standard_normal((N, M)) / np.sqrt(N)
    R = rng.standard_normal((N, M)) / np.sqrt(N)
    D = np.full(M, G / np.sqrt(alpha))  # g_eff^2 = alpha <D^2>
    J = ((L * D) @ R.T).astype(dtype)

f = lambda x: -x + J @ np.tanh(x)
every = int(round(1 / DT))
burn = int(round(BURN / DT))
samples = []
for trial in range(TRIALS):
    x = rng.standard_normal(N).astype(dtype)
    for s in range(burn + int(round(T)) * every):
        k1 = f(x)
        k2 = f(x + 0.5 * DT * k1)
        k3 = f(x + 0.5 * DT * k2)
        k4 = f(x + DT * k3)
        x = x + DT / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        if s >= burn and (s - burn + 1) % every == 0:
            samples.append(np.tanh(x))
S = np.stack(samples).astype(np.float64)
S -= S.mean(axis=0)
C = S.T @ S / len(samples)
print(json.dumps({"pr": float(np.trace(C) ** 2 / (N * np.sum(C * C)))}))
