/**
 * Render a vega-lite spec to SVG (vega's headless SVG renderer, no canvas) and PNG (resvg, a Rust SVG
 * renderer shipped as prebuilt binaries on the npm registry). Node-only (resvg is a native module).
 */
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import * as vl from "vega-lite";

export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export function svgToPng(svg: string, scale = 2): Uint8Array {
  return new Uint8Array(
    new Resvg(svg, { fitTo: { mode: "zoom", value: scale }, font: { loadSystemFonts: true }, background: "white" })
      .render()
      .asPng(),
  );
}
