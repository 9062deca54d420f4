/**
 * The live page (src/web/index.html): reads the form, starts the Web Worker run, and redraws the table and
 * two SVG plots (C^phi(tau)/C^phi(0) and Psi^phi(tau, 0)/Psi^phi(0, 0): theory lines, simulated points with
 * error bars) whenever a round arrives. The main thread only draws, so the page stays responsive.
 */
import type { LiveEstimate, LiveTheory } from "./live.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>("params"),
  runBtn = $<HTMLButtonElement>("run"),
  cancelBtn = $<HTMLButtonElement>("cancel");
const status = $("status"),
  tbody = $("table").querySelector("tbody")!;
const progress = $<HTMLProgressElement>("progress"),
  download = $<HTMLAnchorElement>("download");
let worker: Worker | null = null;
let theory: LiveTheory | null = null;
let estimate: LiveEstimate | null = null;
/** the parameters of the run on screen (the form may be edited meanwhile) */
let run: { n: number; g: number } = { n: 0, g: 0 };
const started = { t: 0 };

/** The form's values; an emptied or non-numeric field is an error naming it, never a silent 0. */
function params() {
  const f = new FormData(form);
  const num = (name: string, label: string) => {
    const text = String(f.get(name) ?? "").trim();
    const v = Number(text);
    if (text === "" || !Number.isFinite(v))
      throw new Error(`${label} is ${text === "" ? "empty" : `not a number ("${text}")`}: enter a value`);
    return v;
  };
  const er = String(f.get("effectiveRank")).trim();
  if (er === "") throw new Error("effective rank is empty: enter a positive number, or iid");
  return {
    n: num("n", "N"),
    g: num("g", "g_eff"),
    phi: String(f.get("phi")),
    seed: num("seed", "seed"),
    rounds: num("rounds", "rounds"),
    effectiveRank: er.toLowerCase() === "iid" ? null : Number(er),
  };
}

const fmt = (v: number | null | undefined, d = 4) =>
  v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toPrecision(d);

function drawTable() {
  const rows: [string, string, string][] = [];
  const pm = (m: number | null, s: number | null) => `${fmt(m)}${s !== null ? ` ± ${fmt(s, 2)}` : ""}`;
  // a quiescent network has no fluctuations, so no dimension: say so in words, never "0.000 ± 0.0"
  // nor a number whose estimator means nothing (too few samples per round): the reason instead
  const sim = (e: { mean: number | null; se: number | null } | undefined, status?: string) =>
    !estimate
      ? "…"
      : estimate.quiescent
        ? "— quiescent: activity decays to x = 0"
        : status && status !== "ok"
          ? `— ${status}`
          : pm(e!.mean, e!.se);
  const th = (v: number | null | undefined) =>
    theory ? fmt(v) : run.g <= 1 ? "— quiescent (g_eff ≤ 1): x = 0 is stable" : "…";
  rows.push([
    "PR^φ / N (dimension of φ, fraction of N)",
    sim(estimate?.prPhi, estimate?.status.prPhi),
    th(theory?.prPhi),
  ]);
  rows.push(["PR^x / N", sim(estimate?.prX, estimate?.status.prX), th(theory?.prX)]);
  rows.push(["rounds", estimate ? String(estimate.rounds) : "0", ""]);
  tbody.replaceChildren(
    ...rows.map((r) => {
      const tr = document.createElement("tr");
      for (const c of r) {
        const td = document.createElement("td");
        td.textContent = c;
        tr.append(td);
      }
      return tr;
    }),
  );
}

function plot(
  el: HTMLElement,
  title: string,
  th: number[] | undefined,
  sim: { mean: number[]; se: number[] | null } | undefined,
  tau: number[],
) {
  const W = 480,
    H = 300,
    m = { l: 48, r: 12, t: 28, b: 40 };
  const tMax = tau.length ? tau[tau.length - 1] : 20;
  const vals = [...(th ?? []), ...(sim?.mean ?? []), 0, 1];
  const yMin = Math.min(...vals, 0),
    yMax = Math.max(...vals, 1);
  const X = (t: number) => m.l + ((W - m.l - m.r) * t) / tMax,
    Y = (v: number) => H - m.b - ((H - m.t - m.b) * (v - yMin)) / (yMax - yMin || 1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${title}">`,
  ];
  parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${title}</text>`);
  parts.push(
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="#333"/><line ` +
      `x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="#333"/>`,
  );
  for (let k = 0; k <= 4; k++) {
    const t = (tMax * k) / 4,
      v = yMin + ((yMax - yMin) * k) / 4;
    parts.push(`<text x="${X(t)}" y="${H - m.b + 15}" text-anchor="middle" font-size="11">${fmt(t, 3)}</text>`);
    parts.push(`<text x="${m.l - 5}" y="${Y(v) + 4}" text-anchor="end" font-size="11">${fmt(v, 2)}</text>`);
  }
  parts.push(
    `<text x="${W / 2}" y="${H - 8}" text-anchor="middle" font-size="12">τ (units of the neuron time constant)</text>`,
  );
  if (yMin < 0)
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y(0)}" y2="${Y(0)}" stroke="#999" stroke-dasharray="4 3"/>`);
  if (th)
    parts.push(
      `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${th.map((v, k) => `${X(tau[k])},${Y(v)}`).join(" ")}"/>`,
    );
  if (sim) {
    sim.mean.forEach((v, k) => {
      const e = sim.se?.[k] ?? 0;
      if (e > 0)
        parts.push(`<line x1="${X(tau[k])}" x2="${X(tau[k])}" y1="${Y(v - e)}" y2="${Y(v + e)}" stroke="#d62728"/>`);
      parts.push(`<circle cx="${X(tau[k])}" cy="${Y(v)}" r="3" fill="#d62728"/>`);
    });
  }
  parts.push(
    `<g font-size="11"><line x1="${W - 150}" x2="${W - 130}" y1="${m.t + 8}" y2="${m.t + 8}" ` +
      `stroke="#1f77b4" stroke-width="2"/><text x="${W - 125}" y="${m.t + 12}">theory (N → ` +
      `∞)</text>`,
  );
  parts.push(
    `<circle cx="${W - 140}" cy="${m.t + 24}" r="3" fill="#d62728"/><text x="${W - 125}" ` +
      `y="${m.t + 28}">simulation, N = ${run.n}</text></g>`,
  );
  parts.push("</svg>");
  el.innerHTML = parts.join("");
}

function draw() {
  drawTable();
  const tau = estimate?.tau ?? theory?.tau ?? [];
  // a quiescent run's normalised correlations are of a decaying transient (or 0/0): nothing to draw
  const sim = estimate?.quiescent ? undefined : estimate;
  const quiet = estimate?.quiescent ? " — quiescent, nothing to draw" : "";
  plot($("plot-c"), `C^φ(τ) / C^φ(0): single neurons${quiet}`, theory?.cPhiNormalized, sim?.cPhiNormalized, tau);
  plot(
    $("plot-psi"),
    `Ψ^φ(τ, 0) / Ψ^φ(0, 0): collective (leading PCs)${quiet}`,
    theory?.psiPhiNormalized,
    sim?.psiPhiNormalized,
    tau,
  );
}

function finish(text: string, error = false) {
  status.textContent = text;
  progress.hidden = true;
  status.className = error ? "error" : "";
  runBtn.disabled = false;
  cancelBtn.disabled = true;
  document.body.dataset.state = error ? "error" : "idle";
}

form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  let p: ReturnType<typeof params>;
  try {
    p = params();
  } catch (e) {
    status.textContent = (e as Error).message;
    status.className = "error";
    return;
  }
  worker ??= new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  theory = null;
  estimate = null;
  run = p;
  draw();
  download.hidden = true;
  progress.hidden = false;
  progress.max = p.rounds;
  progress.value = 0;
  started.t = performance.now();
  status.textContent = "computing the theory…";
  status.className = "";
  runBtn.disabled = true;
  cancelBtn.disabled = false;
  document.body.dataset.state = "running";
  worker.onmessage = (e: MessageEvent) => {
    const msg = e.data;
    if (msg.type === "theory") {
      theory = msg.theory;
      status.textContent = `simulating round 1 of ${p.rounds}…`;
    } else if (msg.type === "round") {
      estimate = msg.estimate;
      progress.value = estimate!.rounds;
      status.textContent = `round ${estimate!.rounds} of ${p.rounds} done (${((performance.now() - started.t) / 1000).toFixed(1)} s)`;
    } else if (msg.type === "done") {
      finish(
        `done: ${p.rounds} rounds in ${((performance.now() - started.t) / 1000).toFixed(1)} s ` +
          `(backend ${msg.result.provenance.backend}, strand ${msg.result.provenance.version})`,
      );
      (window as unknown as { strandResult: unknown }).strandResult = msg.result;
      download.href = URL.createObjectURL(
        new Blob([JSON.stringify(msg.result, null, 2)], { type: "application/json" }),
      );
      download.download = `strand-n${p.n}-g${p.g}-seed${p.seed}.json`;
      download.hidden = false;
    } else if (msg.type === "cancelled") finish("cancelled");
    else if (msg.type === "error") finish(`error: ${msg.message}`, true);
    draw();
  };
  worker.postMessage({ type: "run", params: p });
});

try {
  run = params();
} catch {
  /* the form starts filled in */
}
cancelBtn.addEventListener("click", () => worker?.postMessage({ type: "cancel" }));
draw();
