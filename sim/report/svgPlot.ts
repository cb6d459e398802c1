// A small time-series plot as inline SVG: axes with ticks and labels, line series, vertical event
// markers with labels, shaded intervals and horizontal reference lines. No dependencies.
import { escapeHtml } from "./escapeHtml.ts";

export interface PlotSeries {
  label: string;
  color: string;
  /** [t, y] pairs in plot units, increasing t. */
  points: ReadonlyArray<readonly [number, number]>;
  dash?: string;
}

/** A vertical line at time `t` with a label; `kind` becomes a CSS class `marker-<kind>`. */
export interface PlotMarker {
  t: number;
  label: string;
  kind: string;
  color: string;
}

/** A shaded time interval. */
export interface PlotBand {
  t0: number;
  t1: number;
  kind: string;
  color: string;
  /** Shown on hover (an SVG title). */
  label?: string;
}

/** A horizontal reference line (a threshold). */
export interface PlotHLine {
  y: number;
  label: string;
  color: string;
}

export interface TimePlotOptions {
  /** Used as the SVG element id and CSS class prefix. */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly PlotSeries[];
  markers?: readonly PlotMarker[];
  bands?: readonly PlotBand[];
  hLines?: readonly PlotHLine[];
  xRange?: readonly [number, number];
  /** Y range; widened to include the data and the reference lines. */
  yRange?: readonly [number, number];
  widthPx?: number;
  heightPx?: number;
  /** Extra space above the plot area for marker labels, px. */
  markerLabelSpacePx?: number;
}

/** "Nice" tick values (1, 2, 5 × 10ⁿ steps) covering [min, max] with about `target` ticks. */
export function niceTicks(min: number, max: number, target = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return ticks;
}

/** A tick value with as many decimals as its step needs ("0.5", "10"). */
export function tickLabel(v: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

/** An SVG coordinate or length, to 0.01 px (short, stable text). */
export const svgNumber = (x: number) => (Math.round(x * 100) / 100).toString();
const f = svgNumber;

/** Renders the plot as one `<svg>` element string. */
export function renderTimePlot(o: TimePlotOptions): string {
  const W = o.widthPx ?? 900;
  const H = o.heightPx ?? 260;
  const top = 28 + (o.markers && o.markers.length > 0 ? (o.markerLabelSpacePx ?? 0) : 0);
  const left = 58;
  const right = 16;
  const bottom = 44;
  const pw = W - left - right;
  const ph = H - top - bottom;

  let x0 = o.xRange ? o.xRange[0] : Infinity;
  let x1 = o.xRange ? o.xRange[1] : -Infinity;
  let y0 = o.yRange ? o.yRange[0] : Infinity;
  let y1 = o.yRange ? o.yRange[1] : -Infinity;
  for (const s of o.series) {
    for (const [t, y] of s.points) {
      if (!o.xRange) {
        x0 = Math.min(x0, t);
        x1 = Math.max(x1, t);
      }
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  for (const h of o.hLines ?? []) {
    y0 = Math.min(y0, h.y);
    y1 = Math.max(y1, h.y);
  }
  if (!Number.isFinite(x0) || !Number.isFinite(x1)) [x0, x1] = [0, 1];
  if (!Number.isFinite(y0) || !Number.isFinite(y1)) [y0, y1] = [0, 1];
  if (x1 <= x0) x1 = x0 + 1;
  if (y1 <= y0) {
    y0 -= 0.5;
    y1 += 0.5;
  }
  const yTicks = niceTicks(y0, y1, 5);
  const yStep = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;
  // Extend the y range to whole ticks for a tidy frame.
  y0 = Math.min(y0, Math.floor(y0 / yStep + 1e-9) * yStep);
  y1 = Math.max(y1, Math.ceil(y1 / yStep - 1e-9) * yStep);
  const yTicksFinal = niceTicks(y0, y1, 5);
  const xTicks = niceTicks(x0, x1, 10);
  const xStep = xTicks.length > 1 ? xTicks[1] - xTicks[0] : 1;

  const X = (t: number) => left + ((t - x0) / (x1 - x0)) * pw;
  const Y = (y: number) => top + (1 - (y - y0) / (y1 - y0)) * ph;
  const parts: string[] = [];
  const id = escapeHtml(o.id);
  parts.push(
    `<svg id="${id}" class="plot" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(o.title)}">`,
  );
  parts.push(`<defs><clipPath id="${id}-clip"><rect x="${left}" y="${top}" width="${pw}" height="${ph}"/></clipPath></defs>`);
  parts.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="#fff" stroke="#999"/>`);
  parts.push(`<text x="${left}" y="16" class="plot-title">${escapeHtml(o.title)}</text>`);

  // Shaded intervals under everything.
  for (const b of o.bands ?? []) {
    const a = Math.max(x0, b.t0);
    const c = Math.min(x1, b.t1);
    if (c < a) continue;
    const w = Math.max(2, X(c) - X(a));
    parts.push(
      `<rect class="band band-${escapeHtml(b.kind)}" x="${f(X(a))}" y="${top}" width="${f(w)}" height="${ph}" fill="${escapeHtml(b.color)}" opacity="0.25">` +
        (b.label ? `<title>${escapeHtml(b.label)}</title>` : "") + "</rect>",
    );
  }

  // Grid and ticks.
  for (const v of yTicksFinal) {
    const y = f(Y(v));
    parts.push(`<line x1="${left}" y1="${y}" x2="${left + pw}" y2="${y}" stroke="#e4e4e4"/>`);
    parts.push(`<line x1="${left - 5}" y1="${y}" x2="${left}" y2="${y}" stroke="#333"/>`);
    parts.push(`<text x="${left - 8}" y="${y}" class="tick" text-anchor="end" dominant-baseline="middle">${tickLabel(v, yStep)}</text>`);
  }
  for (const v of xTicks) {
    const x = f(X(v));
    parts.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${top + ph}" stroke="#f0f0f0"/>`);
    parts.push(`<line x1="${x}" y1="${top + ph}" x2="${x}" y2="${top + ph + 5}" stroke="#333"/>`);
    parts.push(`<text x="${x}" y="${top + ph + 18}" class="tick" text-anchor="middle">${tickLabel(v, xStep)}</text>`);
  }
  parts.push(`<text x="${left + pw / 2}" y="${H - 6}" class="axis-label" text-anchor="middle">${escapeHtml(o.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(14 ${f(top + ph / 2)}) rotate(-90)" class="axis-label" text-anchor="middle">${escapeHtml(o.yLabel)}</text>`,
  );

  // Reference lines.
  for (const h of o.hLines ?? []) {
    const y = f(Y(h.y));
    parts.push(
      `<g class="hline"><line x1="${left}" y1="${y}" x2="${left + pw}" y2="${y}" stroke="${escapeHtml(h.color)}" stroke-dasharray="6 4"/>` +
        `<text x="${left + pw - 4}" y="${f(Y(h.y) - 4)}" class="tick" text-anchor="end" fill="${escapeHtml(h.color)}">${escapeHtml(h.label)}</text></g>`,
    );
  }

  // Series.
  for (const s of o.series) {
    if (s.points.length === 0) continue;
    const d = s.points.map(([t, y], i) => `${i === 0 ? "M" : "L"}${f(X(t))} ${f(Y(y))}`).join(" ");
    parts.push(
      `<path class="series" d="${d}" fill="none" stroke="${escapeHtml(s.color)}" stroke-width="1.8"${s.dash ? ` stroke-dasharray="${escapeHtml(s.dash)}"` : ""} clip-path="url(#${id}-clip)"/>`,
    );
  }

  // Event markers, labels rotated to read upwards beside the line.
  for (const m of o.markers ?? []) {
    if (m.t < x0 || m.t > x1) continue;
    const x = f(X(m.t));
    parts.push(
      `<g class="marker marker-${escapeHtml(m.kind)}"><title>${escapeHtml(`${m.label} @ ${m.t.toFixed(2)} s`)}</title>` +
        `<line x1="${x}" y1="${top}" x2="${x}" y2="${top + ph}" stroke="${escapeHtml(m.color)}" stroke-width="1.2" stroke-dasharray="4 3"/>` +
        `<text transform="translate(${f(X(m.t) - 3)} ${top + 4}) rotate(-90)" class="marker-label" text-anchor="end" paint-order="stroke" stroke="#fff" stroke-width="3" fill="${escapeHtml(m.color)}">${escapeHtml(m.label)}</text></g>`,
    );
  }

  // Legend.
  let lx = left + pw;
  const legend: string[] = [];
  for (const s of [...o.series].reverse()) {
    const w = 26 + 7 * s.label.length;
    lx -= w;
    legend.push(
      `<line x1="${f(lx)}" y1="12" x2="${f(lx + 18)}" y2="12" stroke="${escapeHtml(s.color)}" stroke-width="2"${s.dash ? ` stroke-dasharray="${escapeHtml(s.dash)}"` : ""}/>` +
        `<text x="${f(lx + 22)}" y="16" class="tick">${escapeHtml(s.label)}</text>`,
    );
  }
  parts.push(`<g class="legend">${legend.join("")}</g>`);
  parts.push(`</svg>`);
  return parts.join("\n");
}
