/**
 * PRL Fig. 5: where the cross-covariances behind psi^phi(tau, tau) come from (i.i.d. tanh, g = 1.5 ... 20), theory
 * only: the direct couplings, reverberation through the rest of the network, and shared input from a common source
 * (src/theory/two-time.ts diagonalSources; derived in docs/TWO_TIME.md "Three sources").
 */
import { solveDmft } from "../theory/dmft.ts";
import { diagonalSources } from "../theory/two-time.ts";
import type { Figure, Mode } from "./plan.ts";

const GS_CURVES = [1.5, 3, 20],
  GS_SHARES = [1.2, 1.5, 2, 3, 5, 8, 12, 20];
const SOURCES = ["direct", "reverberation", "shared input"] as const;

export async function prlFig5(_m: Mode): Promise<Figure> {
  const curves: Record<string, unknown>[] = [];
  const shares: Record<string, unknown>[] = [];
  const peaks: Record<string, number> = {};
  for (const g of [...new Set([...GS_CURVES, ...GS_SHARES])].sort((a, b) => a - b)) {
    const s = diagonalSources(solveDmft(g), 150);
    const parts = { direct: s.direct, reverberation: s.reverberation, "shared input": s.sharedInput };
    const psi0 = s.total[0];
    if (GS_SHARES.includes(g)) for (const k of SOURCES) shares.push({ g, source: k, share: parts[k][0] / psi0 });
    if (GS_CURVES.includes(g)) {
      for (let l = 0; l < s.tau.length; l += 2)
        for (const k of SOURCES) curves.push({ g: `g = ${g}`, tau: s.tau[l], source: k, psi: parts[k][l] / psi0 });
      const r = Array.from(s.reverberation);
      peaks[`g${g}`] = s.tau[r.indexOf(Math.max(...r))];
    }
  }
  const color = { field: "source", type: "nominal", title: null, sort: [...SOURCES] };
  const sharedAt = (g: number) =>
    (100 * (shares.find((r) => r.g === g && r.source === "shared input")!.share as number)).toFixed(0);
  return {
    name: "prl-fig5",
    title: "PRL Fig. 5: direct, reverberating and shared-input sources of ψ^φ(τ, τ)",
    summary:
      `i.i.d. tanh: ψ^φ(τ, τ) = direct + reverberation + shared input (theory, docs/TWO_TIME.md); shared input is ` +
      `${sharedAt(1.5)} % of ψ(0, 0) at g = 1.5 and ${sharedAt(20)} % ` +
      `at g = 20; reverberation peaks at τ = ${GS_CURVES.map((g) => `${peaks[`g${g}`].toFixed(1)} (g = ${g})`).join(", ")}`,
    data: { curves, shares, reverberationPeak: peaks, phi: "tanh" },
    spec: {
      title: {
        text: "Sources of the cross-covariances in ψ^φ(τ, τ), i.i.d. tanh (PRL Fig. 5)",
        subtitle: "theory (N → ∞); each source divided by ψ^φ(0, 0); the three add up to ψ^φ(τ, τ)",
      },
      background: "white",
      hconcat: [
        ...GS_CURVES.map((g) => ({
          width: 200,
          height: 220,
          title: `g = ${g}`,
          data: { values: curves.filter((c) => c.g === `g = ${g}`) },
          mark: { type: "line", strokeWidth: 2 },
          encoding: {
            x: { field: "tau", type: "quantitative", title: "τ (time constants)" },
            y: { field: "psi", type: "quantitative", title: "contribution / ψ(0, 0)" },
            color,
          },
        })),
        {
          width: 220,
          height: 220,
          title: "shares of ψ(0, 0) against g",
          data: { values: shares },
          mark: { type: "line", point: true },
          encoding: {
            x: { field: "g", type: "quantitative", scale: { type: "log", domain: [1.1, 25] }, title: "g" },
            y: { field: "share", type: "quantitative", title: "share of ψ^φ(0, 0)" },
            color,
          },
        },
      ],
    },
  };
}
