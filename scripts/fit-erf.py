"""Derive the Chebyshev coefficients used by strand's erf kernels (assembly/phi.ts, src/backend/js.ts).

    erfc(z) = t * exp(-z^2 + g(s)),   t = 2 / (2 + z),   s = 2.5 t - 1.5,   z in [0, 8]  (s in [-1, 1])

g is smooth on [-1, 1] (it tends to a constant as z -> infinity), so its Chebyshev interpolant converges
geometrically. The coefficients are interpolation values at Chebyshev nodes of g computed from the C
library's erfc (python's math.erfc, < 1 ulp). The construction is the classical "erfc = t exp(-z^2 + series)"
form; the coefficients are ours. Run: python3 scripts/fit-erf.py  (prints TypeScript-ready arrays and the
max absolute erfc error of the fit, evaluated in float64 on a dense grid).
"""
import math

import numpy as np
from numpy.polynomial import chebyshev as C


def g_of_s(s):
    t = (s + 1.5) / 2.5
    z = 2.0 / t - 2.0
    return math.log(math.erfc(z) / t) + z * z


for name, deg in (("ERF_CHEB_F64", 20), ("ERF_CHEB_F32", 9)):
    n = deg + 1
    nodes = np.cos(np.pi * (np.arange(n) + 0.5) / n)
    c = C.chebfit(nodes, np.array([g_of_s(s) for s in nodes]), deg)
    err = 0.0
    for z in np.linspace(0.0, 8.0, 40001):
        t = 2.0 / (2.0 + z)
        err = max(err, abs(t * math.exp(-z * z + C.chebval(2.5 * t - 1.5, c)) - math.erfc(z)))
    print(f"// {name}: degree {deg}, max |erfc error| of the fit in float64 = {err:.2e}")
    print(f"{name} = [" + ", ".join(repr(float(v)) for v in c) + "]")
