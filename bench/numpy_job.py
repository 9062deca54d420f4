"""Baseline for bench/job.bench.ts (issue 8): the straightforward NumPy way to estimate PR^phi of a network.

One trajectory, RK4 with x = x + dt/6 (k1 + 2 k2 + 2 k3 + k4), f(x) = -x + J @ tanh(x), a sample every time
unit after the burn-in, samples stacked, S.T @ S at the end, PR = tr(C)^2 / (N ||C||_F^2).
  python3 numpy_job.py dense N G T DT BURN DTYPE SEED        (J i.i.d. Gaussian, variance G^2 / N)
  python3 numpy_job.py rmm N G T DT BURN DTYPE SEED ALPHA    (J = L diag(D) R^T formed densely, flat D)
Prints {"seconds": (simulation + statistics, best of 2), "pr": ...} as JSON. Not a runtime dependency.
"""
import json
import sys
import time

import numpy as np

kind, N, G, T, DT, BURN, DTYPE, SEED = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), sys.argv[7], int(sys.argv[8])
rng = np.random.default_rng(SEED)
dtype = np.float32 if DTYPE == "float32" else np.float64
if kind == "dense":
    J = (rng.standard_normal((N, N)) * (G / np.sqrt(N))).astype(dtype)
else:
    alpha = float(sys.argv[9])
    M = int(round(alpha * N))
    L = rng.standard_normal((N, M)) / np.sqrt(N)
    R = rng.standard_normal((N, M)) / np.sqrt(N)
    D = np.full(M, G / np.sqrt(alpha))  # g_eff^2 = alpha <D^2>
    J = ((L * D) @ R.T).astype(dtype)


def run():
    x = rng.standard_normal(N).astype(dtype)
    f = lambda x: -x + J @ np.tanh(x)
    steps_per_sample = int(round(1 / DT))
    burn = int(round(BURN / DT))
    samples = []
    for s in range(burn + int(round(T)) * steps_per_sample):
        k1 = f(x)
        k2 = f(x + 0.5 * DT * k1)
        k3 = f(x + 0.5 * DT * k2)
        k4 = f(x + DT * k3)
        x = x + DT / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        if s >= burn and (s - burn + 1) % steps_per_sample == 0:
            samples.append(np.tanh(x))
    S = np.stack(samples)
    S = S - S.mean(axis=0)
    C = S.T @ S / len(samples)
    return np.trace(C) ** 2 / (N * np.sum(C * C))


best, pr = float("inf"), None
for _ in range(2):
    t = time.perf_counter()
    pr = run()
    best = min(best, time.perf_counter() - t)
print(json.dumps({"seconds": best, "pr": float(pr)}))
