"""NumPy baseline for bench/scale.ts (issue 25): the script a user would write for the paper's protocol at large N.

Draws J, then runs TRIALS trajectories together (the state an N x TRIALS matrix, so every step is one float32
J @ tanh(X) product), RK4 with step DT, x(0) ~ N(0, 1), BURN time units discarded, then T time units sampled every
time unit. The samples of phi = tanh(x) are stored (float32) and the cross-block PR of THEORY §5.1 with trial blocks
(each trial a block) is formed from their Gram matrix, as strand does in sample space:
  K = X X^T (float64),  tr C^(b) = tr S^(b) / n_b - |mu|^2,
  tr(C^(a) C^(b)) = ||K_ab||_F^2 / (n_a n_b) - mu^T S^(a) mu / n_a - mu^T S^(b) mu / n_b + |mu|^4.
  python3 numpy_scale.py dense N G T DT BURN TRIALS SEED
  python3 numpy_scale.py rmm N G T DT BURN TRIALS SEED ALPHA     (J = L diag(D) R^T applied as L (D (R^T v)))
Prints {"pr": ...}. Run once: the caller times the whole process and reads its peak RSS. Not a runtime dependency.
"""
import json
import sys

import numpy as np

kind, N, G, T, DT, BURN, TRIALS, SEED = (sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]),
                                         float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8]))
rng = np.random.default_rng(SEED)
dtype = np.float32
if kind == "dense":
    J = rng.standard_normal((N, N), dtype=dtype) * dtype(G / np.sqrt(N))
    apply = lambda p: J @ p
else:
    alpha = float(sys.argv[9])
    M = int(round(alpha * N))
    L = (rng.standard_normal((N, M)) / np.sqrt(N)).astype(dtype)
    Rt = (rng.standard_normal((N, M)) / np.sqrt(N)).astype(dtype).T.copy()
    D = np.full((M, 1), G / np.sqrt(alpha), dtype=dtype)  # g_eff^2 = alpha <D^2>
    apply = lambda p: L @ (D * (Rt @ p))

f = lambda x: -x + apply(np.tanh(x))
every = int(round(1 / DT))
burn = int(round(BURN / DT))
steps = int(round(T))
X = rng.standard_normal((N, TRIALS)).astype(dtype)
samples = np.empty((TRIALS, steps, N), dtype=dtype)
for s in range(burn + steps * every):
    k1 = f(X)
    k2 = f(X + dtype(0.5 * DT) * k1)
    k3 = f(X + dtype(0.5 * DT) * k2)
    k4 = f(X + dtype(DT) * k3)
    X = X + dtype(DT / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
    if s >= burn and (s - burn + 1) % every == 0:
        samples[:, (s - burn + 1) // every - 1, :] = np.tanh(X).T
S = samples.reshape(TRIALS * steps, N)
mu = S.mean(axis=0, dtype=np.float64)
K = S.astype(np.float64) @ S.T.astype(np.float64)
p = S.astype(np.float64) @ mu
mu2 = mu @ mu
blocks = [slice(b * steps, (b + 1) * steps) for b in range(TRIALS)]
trace = [np.trace(K[b, b]) / steps - mu2 for b in blocks]
quad = [np.sum(p[b] ** 2) / steps for b in blocks]
cross = [np.sum(K[a, b] ** 2) / steps ** 2 - quad[i] - quad[j] + mu2 ** 2
         for i, a in enumerate(blocks) for j, b in enumerate(blocks) if i < j]
print(json.dumps({"pr": float(np.mean(trace) ** 2 / (N * np.mean(cross)))}))
