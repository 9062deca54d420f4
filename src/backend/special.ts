/**
 * Scalar special functions for the TypeScript backend (JavaScript has no Math.erf).
 *
 *   erf(y) = sign(y) (1 - erfc|y|),  erfc(z) = t exp(-z^2 + g(s)),  t = 2/(2+z),  s = 2.5 t - 1.5
 *
 * g is a degree-20 Chebyshev series fitted by scripts/fit-erf.py (max erfc error 2.3e-15 on [0, 8]); z is
 * clamped to 8, where erfc < 1e-29; below |y| = 1/4 the Maclaurin series keeps erf(0) = 0 and full relative
 * accuracy near 0. The same construction (and, for float64, the same coefficients) runs
 * in the SIMD kernel in assembly/phi.ts. Evaluated by Clenshaw's recurrence.
 * sech^2 is 1 / cosh^2: never 1 - tanh^2, which is exactly 0 once tanh rounds to 1.
 */

// see: scripts/fit-erf.py (ERF_CHEB_F64), identical to assembly/phi.ts
const ERF_CHEB = [
  -0.5303140494794477, 0.530602034157949, 0.005376324170959536, -0.0057293598846432465, -7.488356253398967e-5,
  0.00014886785395957684, -4.924624813072196e-6, -4.6371747860836395e-6, 5.361054031331186e-7, 1.2574063491655636e-7,
  -3.324980914669141e-8, -1.3910107241904718e-9, 1.4990817572635518e-9, -1.2726032510804089e-10,
  -4.4682443686426993e-11, 1.1156748001310736e-11, 2.5872467990458716e-13, -4.827205074810853e-13,
  5.997602727983817e-14, 9.811845079842135e-15, -4.271000657299246e-15,
];

/** Maclaurin coefficients 1 / (n! (2n+1)) with alternating signs, n = 0..9 (used for |y| < 1/4). */
const ERF_SMALL = [1, -1 / 3, 1 / 10, -1 / 42, 1 / 216, -1 / 1320, 1 / 9360, -1 / 75600, 1 / 685440, -1 / 6894720];

export function erf(y: number): number {
  const z = Math.min(Math.abs(y), 8);
  if (z < 0.25) {
    const y2 = y * y;
    let p = 0;
    for (let k = ERF_SMALL.length - 1; k >= 0; k--) p = p * y2 + ERF_SMALL[k];
    return y * p * 1.1283791670955126;
  }
  const t = 2 / (2 + z);
  const s = 2.5 * t - 1.5;
  const s2 = s + s;
  let b1 = 0;
  let b2 = 0;
  for (let k = ERF_CHEB.length - 1; k >= 1; k--) {
    const b0 = ERF_CHEB[k] + s2 * b1 - b2;
    b2 = b1;
    b1 = b0;
  }
  const g = ERF_CHEB[0] + s * b1 - b2;
  const v = 1 - t * Math.exp(g - z * z);
  return y < 0 ? -v : v;
}

export function sech2(x: number): number {
  const c = Math.cosh(x);
  return 1 / (c * c);
}

const SQRT_PI_OVER_2 = 0.886226925452758;
const PI_OVER_4 = 0.7853981633974483;

/** phi(x) for kind 0 (tanh) or 1 (erf(sqrt(pi) x / 2)). */
export function phiScalar(kind: number, x: number): number {
  return kind === 1 ? erf(SQRT_PI_OVER_2 * x) : Math.tanh(x);
}

/** phi'(x): 1/cosh^2 x (tanh) or exp(-pi x^2 / 4) (erf). */
export function dphiScalar(kind: number, x: number): number {
  return kind === 1 ? Math.exp(-PI_OVER_4 * x * x) : sech2(x);
}
