"""NumPy baseline for bench/lyapunov.bench.ts (issue 26): the straightforward QR (Benettin) loop a user would write.

J i.i.d. Gaussian (variance G^2 / N), x(0) ~ N(0, 1), BURN time units of the state alone, then an orthonormal N x K
frame advanced with the state by RK4 on the joint system (dQ/dt = -Q + J (phi'(x) Q), phi' = 1/cosh^2 at each
stage's state), QR (np.linalg.qr) every QR_EVERY time units, log|diag R| summed over T observed time units.
float64 throughout, as strand's default. Prints {"lambda": [...first 5], "seconds_loop": ...} (the loop's own time;
the caller also times the whole process).
  python3 numpy_lyapunov.py N K G T BURN DT QR_EVERY SEED
Not a runtime dependency.
"""
import json
import sys
import time

import numpy as np

N, K, G, T, BURN, DT, QR_EVERY, SEED = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8])
rng = np.random.default_rng(SEED)
J = rng.standard_normal((N, N)) * (G / np.sqrt(N))
x = rng.standard_normal(N)


def f(x):
    return -x + J @ np.tanh(x)


for _ in range(int(round(BURN / DT))):
    k1 = f(x)
    k2 = f(x + 0.5 * DT * k1)
    k3 = f(x + 0.5 * DT * k2)
    k4 = f(x + DT * k3)
    x = x + DT / 6 * (k1 + 2 * k2 + 2 * k3 + k4)

Q, _ = np.linalg.qr(rng.standard_normal((N, K)))


def joint(x, Q):
    d = 1 / np.cosh(x) ** 2
    return -x + J @ np.tanh(x), -Q + J @ (d[:, None] * Q)


t0 = time.perf_counter()
every = int(round(QR_EVERY / DT))
logs = np.zeros(K)
for _ in range(int(round(T / QR_EVERY))):
    for _ in range(every):
        a1, A1 = joint(x, Q)
        a2, A2 = joint(x + 0.5 * DT * a1, Q + 0.5 * DT * A1)
        a3, A3 = joint(x + 0.5 * DT * a2, Q + 0.5 * DT * A2)
        a4, A4 = joint(x + DT * a3, Q + DT * A3)
        x = x + DT / 6 * (a1 + 2 * a2 + 2 * a3 + a4)
        Q = Q + DT / 6 * (A1 + 2 * A2 + 2 * A3 + A4)
    Q, R = np.linalg.qr(Q)
    logs += np.log(np.abs(np.diag(R)))
print(json.dumps({"lambda": list(logs[:5] / T), "seconds_loop": time.perf_counter() - t0}))
