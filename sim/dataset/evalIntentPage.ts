// The intent evaluation as one self-contained HTML page (eval.html beside eval.json): the headline
// table against the targets, ROC, F1 against threshold, warning lead times, calibration, and where the
// errors are. Inline SVG and CSS only, like the scenario reports.
import { escapeHtml } from "../report/escapeHtml.ts";
import { type PlotSeries, renderTimePlot } from "../report/svgPlot.ts";
import { describeOperatingPoint, horizonKey, type ProbabilityBin, RASTER_SPEC, thresholdAt, type TimingBin } from "../../prediction/index.ts";
import { RASTER_CHANNEL_COLORS, renderBevRasterSvg } from "../report/bevRasterPicture.ts";
import { type EvalReport, type PredictorReport, TARGET_HORIZON_S } from "./evaluateIntent.ts";
import type { IntentExample } from "./intentExamples.ts";
import { FIRST_SIGHTS } from "./firstSight.ts";
import type { LookAlike } from "./stepOffLookAlikes.ts";
import { f3 } from "./reportFiles.ts";

/** The must-show targets on the held-out test suite: ROC-AUC and F1 at the 1 s head on pre-entry frames, the warning's median lead. */
export const INTENT_TARGETS = Object.freeze({ rocAuc: 0.95, f1: 0.9, medianLeadS: 1.0 });

const COLORS = ["#2f6fd6", "#e67e22", "#16a085", "#8e44ad", "#c0392b", "#7f8c8d"];

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1000px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0; } th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; } th { background: #f4f4f4; }
.meta { color: #666; margin: 2px 0; } .caption { margin: 18px 0 0; color: #444; } .met { color: #1e8449; font-weight: 600; } .unmet { color: #c0392b; font-weight: 600; }
.bar { display: inline-block; height: 10px; vertical-align: middle; } .bar.tp { background: #2f6fd6; } .bar.fp { background: #e67e22; } .bar.fn { background: #c0392b; }
.example { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 8px; margin: 6px 0 14px; } .example .plot { margin: 0; }
.swatch { display: inline-block; width: 12px; height: 12px; vertical-align: middle; border: 1px solid #999; margin: 0 3px 0 10px; }
.plot { display: block; margin: 10px 0; } .plot-title { font-weight: 600; font-size: 13px; } .tick { font-size: 11px; fill: #444; } .axis-label { font-size: 12px; fill: #333; }
`;

/** "0–0.5 s", "1–1.5 s", "> 3 s", "never jaywalks": a time-to-entry bin as the tables print it. */
export function timingBinLabel(b: TimingBin): string {
  return b.never ? "never jaywalks" : b.toS === Infinity ? `> ${b.fromS} s` : `${b.fromS === -Infinity ? 0 : b.fromS}–${b.toS} s`;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

function verdict(ok: boolean): string {
  return ok ? `<span class="met">met</span>` : `<span class="unmet">not met</span>`;
}

function targetsTable(r: EvalReport): string {
  const [model, ...baselines] = r.predictors;
  const h = model.horizons["1s"].preEntry;
  const b = model.preEntryF1Interval;
  const bestBaselineF1 = Math.max(...baselines.map((p) => p.horizons["1s"].preEntry.f1));
  const bestBaselineLead = Math.max(...baselines.map((p) => (Number.isFinite(p.leadTime.medianS) ? p.leadTime.medianS : -Infinity)));
  const beats = baselines.length > 0 && h.f1 > bestBaselineF1 && model.leadTime.medianS > bestBaselineLead;
  const rows = [
    [`ROC-AUC ≥ ${INTENT_TARGETS.rocAuc} at the 1 s head`, f3(h.rocAuc), verdict(h.rocAuc >= INTENT_TARGETS.rocAuc)],
    [`F1 ≥ ${INTENT_TARGETS.f1} at the 1 s head`, `${f3(h.f1)} (95 % ${f3(b.lo)}–${f3(b.hi)})`, verdict(h.f1 >= INTENT_TARGETS.f1)],
    [`median warning lead ≥ ${INTENT_TARGETS.medianLeadS} s (P(${r.operatingPoint.warningHorizonS} s) ≥ ${thresholdAt(r.operatingPoint, r.operatingPoint.warningHorizonS)})`, `${f3(model.leadTime.medianS)} s`, verdict(model.leadTime.medianS >= INTENT_TARGETS.medianLeadS)],
    [
      "beats every baseline on F1 and lead",
      baselines.length ? `F1 +${f3(h.f1 - bestBaselineF1)}, lead +${f3(model.leadTime.medianS - bestBaselineLead)} s over the best baseline` : "no baselines",
      verdict(beats),
    ],
  ];
  return `<table><tr><th>target (held-out, pre-entry)</th><th>${escapeHtml(model.name)}</th><th></th></tr>${rows
    .map(([a, v, ok]) => `<tr><td>${escapeHtml(a)}</td><td>${escapeHtml(v)}</td><td>${ok}</td></tr>`)
    .join("")}</table>`;
}

function predictorTable(r: EvalReport): string {
  const head = ["predictor", "AUC pre", "F1 pre (95 %)", "P / R pre", "F1 all", "median warning lead (p10–p90)", "warned", "false warnings/h", "per-pedestrian F1"];
  const rows = r.predictors.map((p) => {
    const m = p.horizons["1s"];
    const l = p.leadTime;
    return [
      p.name, f3(m.preEntry.rocAuc), `${f3(m.preEntry.f1)} (${f3(p.preEntryF1Interval.lo)}–${f3(p.preEntryF1Interval.hi)})`,
      `${f3(m.preEntry.precision)} / ${f3(m.preEntry.recall)}`, f3(m.all.f1), `${f3(l.medianS)} s (${f3(l.p10S)}–${f3(l.p90S)})`,
      `${l.warned}/${l.jaywalkers}`, f3(p.falseWarnings.perHour), `${f3(p.pedestrians.f1)} (${p.pedestrians.falseAlarms}/${p.pedestrians.others} false alarms)`,
    ];
  });
  return `<table><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>${rows
    .map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("")}</table>`;
}

const series = (r: EvalReport, points: (p: PredictorReport) => ReadonlyArray<readonly [number, number]>): PlotSeries[] =>
  r.predictors.map((p, k) => ({ label: p.name, color: COLORS[k % COLORS.length], points: points(p) }));

/** Share of jaywalkers warned at least `x` s before they leave the curb, x = 0 … 3 s. */
function leadSurvival(p: PredictorReport): [number, number][] {
  const { leadsS, jaywalkers } = p.leadTime;
  return Array.from({ length: 61 }, (_, k) => {
    const x = k * 0.05;
    return [x, jaywalkers > 0 ? leadsS.filter((l) => l >= x - 1e-9).length / jaywalkers : 0];
  });
}

function timingTable(p: PredictorReport): string {
  const max = Math.max(1, ...p.byTimeToEntry.map((b) => b.tp + b.fp + b.fn));
  const bar = (n: number, kind: string) => `<span class="bar ${kind}" style="width:${((240 * n) / max).toFixed(1)}px"></span>`;
  const rows = p.byTimeToEntry.map(
    (b) => `<tr><td>${escapeHtml(timingBinLabel(b))}</td><td>${b.tp}</td><td>${b.fp}</td><td>${b.fn}</td><td>${b.tn}</td><td style="text-align:left">${bar(b.tp, "tp")}${bar(b.fp, "fp")}${bar(b.fn, "fn")}</td></tr>`,
  );
  return `<table><tr><th>time to road entry</th><th>TP</th><th>FP</th><th>FN</th><th>TN</th><th style="text-align:left"><span class="bar tp" style="width:10px"></span> TP <span class="bar fp" style="width:10px"></span> FP <span class="bar fn" style="width:10px"></span> FN</th></tr>${rows.join("")}</table>`;
}

/**
 * How long before the entry a statistic of the probability reaches the threshold and stays there up to
 * the entry (the centre of the farthest such bin), s; NaN when it is below at the last bin.
 */
export function stayAboveFromS(bins: readonly ProbabilityBin[], stat: "p10" | "median" | "p90", threshold: number): number {
  let from = NaN;
  for (const b of bins) {
    if (b.frames === 0) continue;
    if (!(b[stat] >= threshold)) break;
    from = (b.fromS + b.toS) / 2;
  }
  return from;
}

/** Non-empty bins of time before an event as plot points: x = −(bin centre), oldest first. */
function binPoints(bins: readonly ProbabilityBin[], stat: "p10" | "median" | "p90") {
  return bins.filter((b) => b.frames > 0).map((b) => [-(b.fromS + b.toS) / 2, b[stat]] as const).reverse();
}

function beforeEntryPlot(r: EvalReport, threshold: number): string {
  const model = r.predictors[0];
  const points = (p: PredictorReport, stat: "p10" | "median" | "p90") => binPoints(p.beforeEntry, stat);
  return renderTimePlot({
    id: "before-entry", title: "P(1 s)",
    xLabel: "time relative to the road entry [s]", yLabel: "P(jaywalk within 1 s)", xRange: [-3, 0], yRange: [0, 1],
    series: [
      { label: "label", color: "#999", points: [[-3, 0], [-TARGET_HORIZON_S, 0], [-TARGET_HORIZON_S, 1], [0, 1]] },
      { label: "p10", color: COLORS[0], dash: "3 3", points: points(model, "p10") },
      { label: "p90", color: COLORS[0], dash: "3 3", points: points(model, "p90") },
      ...series(r, (p) => points(p, "median")),
    ],
    hLines: [{ y: threshold, label: `1 s threshold ${threshold}`, color: "#555" }],
    heightPx: 300,
  });
}

const LOOK_ALIKE_SERIES: readonly { group: LookAlike; label: string; color: string }[] = [
  { group: "standingJaywalkers", label: "mid-block, standing", color: "#c0392b" },
  { group: "walkingJaywalkers", label: "mid-block, walking", color: "#2f6fd6" },
  { group: "hesitaters", label: "hesitaters", color: "#7f8c8d" },
];

function lookAlikePlot(model: PredictorReport, threshold: number): string {
  const series = LOOK_ALIKE_SERIES.map(({ group, label, color }) => {
    const curve = model.stepOff[group];
    return { label: `${label} (${curve.pedestrians})`, color, points: binPoints(curve.bins, "median") };
  });
  return renderTimePlot({
    id: "step-off", title: "P(1 s)",
    xLabel: "time relative to the step-off [s]", yLabel: "median P(jaywalk within 1 s)", xRange: [-3, 0], yRange: [0, 1],
    series, hLines: [{ y: threshold, label: `1 s threshold ${threshold}`, color: "#555" }], heightPx: 260,
  });
}

const HEAD_COLORS = ["#16a085", "#2f6fd6", "#e67e22", "#8e44ad"];

function examplesSection(examples: readonly IntentExample[], threshold1s: number): string {
  if (examples.length === 0) return "";
  const legend = Object.entries(RASTER_CHANNEL_COLORS)
    .map(([name, [r, g, b]]) => `<span class="swatch" style="background:rgb(${r},${g},${b})"></span>${escapeHtml(name)}`)
    .join("");
  const rows = examples.map((e, k) => {
    const rasters = e.rasters
      .map((x) => renderBevRasterSvg(x.png, `${x.timeToEntryS.toFixed(1)} s before · P(1 s) ${x.probabilities[1].toFixed(2)}`))
      .join("");
    const timeline = renderTimePlot({
      id: `example-${k}`, title: "",
      xLabel: "time relative to the road entry [s]", yLabel: "probability", yRange: [0, 1],
      xRange: [Math.min(-1, ...e.timeline.map((f) => f.tS)), Math.max(0.5, ...e.timeline.map((f) => f.tS))],
      series: RASTER_SPEC.horizonsS.map((h, j) => ({
        label: `P(${horizonKey(h)})`, color: HEAD_COLORS[j % HEAD_COLORS.length], points: e.timeline.map((f) => [f.tS, f.probabilities[j]] as const),
      })),
      markers: [{ t: 0, label: "steps off", kind: "entry", color: "#c0392b" }],
      hLines: [{ y: threshold1s, label: `1 s threshold`, color: "#555" }],
      widthPx: 470, heightPx: 196,
    });
    return `<p class="caption">${escapeHtml(`${e.scenario}, track ${e.trackId}`)}</p><div class="example">${rasters}${timeline}</div>`;
  });
  return `<h2>What the model sees</h2>
<p class="meta">The first jaywalker of each scenario template: its raster (12.8 m around the pedestrian, the white marker; up is where it walks, or the road when it stands) 2, 1 and 0.5 s before it steps off, and every head's probability around the step-off. Channels:${legend}</p>
${rows.join("\n")}`;
}

function templateTable(p: PredictorReport): string {
  const rows = Object.entries(p.byScenario)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, c]) => {
      const sight = p.byFirstSight[name];
      const split = FIRST_SIGHTS.map((k) => [sight[k].pedestrians, sight[k].tp, sight[k].fp, sight[k].fn].map((v) => `<td>${v}</td>`).join(""));
      return `<tr><td>${escapeHtml(name)}</td><td>${c.tp}</td><td>${c.fp}</td><td>${c.fn}</td>${split.join("")}</tr>`;
    });
  const th = (...h: string[]) => h.map((x) => `<th>${x}</th>`).join("");
  return `<table><tr><th rowspan="2">scenario template</th><th colspan="3">all</th>${FIRST_SIGHTS.map((k) => `<th colspan="4">${k} when first tracked</th>`).join("")}</tr>` +
    `<tr>${th("TP", "FP", "FN")}${FIRST_SIGHTS.map(() => th("pedestrians", "TP", "FP", "FN")).join("")}</tr>${rows.join("")}</table>`;
}

/** The page, from the report `curb eval intent` writes as eval.json. */
export function renderEvalIntentPage(r: EvalReport): string {
  const model = r.predictors[0];
  if (!model) throw new Error("intent evaluation page: the report has no predictors");
  const command = (r.data as { manifest?: { command?: string } }).manifest?.command ?? "";
  const roc = renderTimePlot({
    id: "roc", title: "ROC",
    xLabel: "false-positive rate", yLabel: "true-positive rate", xRange: [0, 0.1], yRange: [0, 1],
    series: series(r, (p) => p.curves.roc), heightPx: 300,
  });
  const threshold1s = thresholdAt(r.operatingPoint, 1);
  const f1 = renderTimePlot({
    id: "f1-threshold", title: "F1",
    xLabel: "threshold", yLabel: "F1", xRange: [0, 1], yRange: [0, 1],
    series: series(r, (p) => p.curves.f1ByThreshold),
    markers: [{ t: threshold1s, label: `1 s threshold ${threshold1s}`, kind: "threshold", color: "#555" }],
    hLines: [{ y: INTENT_TARGETS.f1, label: `target ${INTENT_TARGETS.f1}`, color: "#c0392b" }],
    heightPx: 280,
  });
  const lead = renderTimePlot({
    id: "lead", title: "Lead",
    xLabel: "warning lead [s]", yLabel: "share of jaywalkers", xRange: [0, 3], yRange: [0, 1],
    series: series(r, leadSurvival),
    markers: [{ t: INTENT_TARGETS.medianLeadS, label: `target median ${INTENT_TARGETS.medianLeadS} s`, kind: "target", color: "#c0392b" }],
    hLines: [{ y: 0.5, label: "median", color: "#999" }],
    heightPx: 280,
  });
  const calibration = renderTimePlot({
    id: "calibration", title: "Calibration",
    xLabel: "predicted probability", yLabel: "observed frequency", xRange: [0, 1], yRange: [0, 1],
    series: [
      { label: "perfect", color: "#bbb", dash: "4 4", points: [[0, 0], [1, 1]] },
      ...series(r, (p) => p.curves.reliability.map((b) => [b.meanP, b.observed] as const)),
    ],
    heightPx: 300,
  });
  const beforeEntry = beforeEntryPlot(r, threshold1s);
  const cross = (stat: "p10" | "median" | "p90") => {
    const t = stayAboveFromS(model.beforeEntry, stat, threshold1s);
    return Number.isFinite(t) ? `${t.toFixed(2)} s` : "never";
  };
  const cmp = r.comparison;
  const comparison = cmp
    ? `<h2>Against ${escapeHtml(cmp.other)}</h2><p>F1@1s pre-entry ${f3(cmp.f1)} vs ${f3(cmp.otherF1)} (its ${escapeHtml(describeOperatingPoint(cmp.otherOperatingPoint))}), ` +
      `paired difference ${cmp.difference.value >= 0 ? "+" : ""}${f3(cmp.difference.value)}, 95 % ${f3(cmp.difference.lo)} to ${f3(cmp.difference.hi)}: ` +
      `${cmp.difference.lo > 0 ? "better beyond the draw" : cmp.difference.hi < 0 ? "worse beyond the draw" : "within the draw"}.</p>`
    : "";
  const ablation = r.ablation.length
    ? `<h2>Ablation</h2><p class="meta">One raster channel zeroed at inference, same weights.</p><table><tr><th>channel</th><th>AUC@1s pre</th><th>F1@1s pre</th><th>F1@1s all</th></tr>${r.ablation
        .map((a) => `<tr><td>${escapeHtml(a.channel)}</td><td>${f3(a.rocAuc1sPreEntry)}</td><td>${f3(a.f11sPreEntry)}</td><td>${f3(a.f11sAll)}</td></tr>`)
        .join("")}</table>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Intent evaluation: ${escapeHtml(model.name)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>Intent evaluation: ${escapeHtml(model.name)}</h1>
<p class="meta">model ${escapeHtml(r.model)} · ${escapeHtml(describeOperatingPoint(r.operatingPoint))} · data: ${escapeHtml(command || "–")}</p>
<p class="meta">Pre-entry frames: every frame before a pedestrian first steps onto the road, and every frame of one who never does (the anticipation task).</p>
<h2>Targets</h2>
${targetsTable(r)}
<h2>Predictors (frames: 1 s head; warnings: P(${r.operatingPoint.warningHorizonS} s))</h2>
${predictorTable(r)}
<p class="caption">ROC at the 1 s head on pre-entry frames, the first 10 % of the false-positive rate (where an operating point lies).</p>
${roc}
<p class="caption">F1 at the 1 s head on pre-entry frames against the threshold, with the 1 s head's threshold (chosen on val) and the target.</p>
${f1}
<p class="caption">Share of the jaywalkers warned at least this long before they leave the curb (the warning: P(${r.operatingPoint.warningHorizonS} s) at its threshold); where a curve crosses 0.5 is its median lead.</p>
${lead}
<p class="caption">Calibration at the 1 s head on pre-entry frames: observed frequency against the mean predicted probability, 10 bins.</p>
${calibration}
<h2>Where ${escapeHtml(model.name)}'s errors are</h2>
<p class="meta">Pre-entry frames at the 1 s head by time to road entry: a false positive 1–1.5 s out is a jaywalker warned early, a miss 0.5–1 s out one warned late, a false positive on someone who never jaywalks a wrong pedestrian.
Forgiving warnings up to 0.5 s early, F1 would read ${r.predictors.map((p) => `${escapeHtml(p.name)} ${f3(p.earlyTolerantF1)}`).join(", ")} (a diagnostic, not the target).</p>
<p class="caption">The 1 s head's probability over the jaywalkers' last 3 s before they step off (per 0.1 s: the median of every predictor, the 10th and 90th percentiles of ${escapeHtml(model.name)} dashed), against the label (jaywalks within 1 s) and the threshold.
For ${escapeHtml(model.name)} the median stays above the threshold from ${cross("median")} before the entry, the 90th percentile from ${cross("p90")}, the 10th from ${cross("p10")}: the wider that spread between jaywalkers, the more frames near the 1 s boundary fall on the wrong side of the threshold.</p>
${beforeEntry}
${timingTable(model)}
<p class="caption">The same frames per scenario template, then split by how each pedestrian moved when first tracked. A jaywalker standing until it decides walks to the curb as a hesitater does (who steps off and back, never crossing), so before the step-off little tells the two apart: read the standing jaywalkers' misses beside the hesitaters' false positives.</p>
${templateTable(model)}
<p class="caption">${escapeHtml(model.name)}'s median P(1 s) against time to the step-off (the first frame off the pre-entry set; in brackets, how many pedestrians) for the look-alikes: mid-block jaywalkers standing, and walking, when first tracked, and hesitaters (who step off and back). A standing mid-block jaywalker and a hesitater walk alone to the curb the same way, and while their curves run together the model cannot tell them apart. The hesitaters' frames are all negatives, the jaywalkers' positive from 1 s out.</p>
${lookAlikePlot(model, threshold1s)}
${examplesSection(r.examples ?? [], threshold1s)}
${comparison}
${ablation}
<p class="meta">${pct(model.leadTime.jaywalkers > 0 ? model.leadTime.warned / model.leadTime.jaywalkers : 0)} of the jaywalkers warned before they leave the curb; numbers in eval.json.</p>
</body>
</html>
`;
}
