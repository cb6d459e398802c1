// One self-contained HTML page per scenario run: verdict and summary, speed and acceleration over
// time with the pedestrian events, collisions and hard braking marked, a bird's-eye snapshot at
// the closest approach to a pedestrian, and the metric tables. Inline SVG and CSS only.
import { type msg, nsToSeconds, secondsToNs } from "../../bus/index.ts";
import { type ScenarioMetrics, type SimFrame, jerkSeries, scenarioMetricsToJson } from "../metrics/index.ts";
import { renderBevSnapshot } from "./bevSnapshot.ts";
import { DECISION_BAND_STYLE, decisionBands } from "./decisionBands.ts";
import { escapeHtml } from "./escapeHtml.ts";
import { type PlotMarker, renderTimePlot } from "./svgPlot.ts";
import { pedestrianIntentTraces, renderWarningTimeline } from "./warningTimeline.ts";

export interface ScenarioReportInput {
  /** Scenario name shown as the title; defaults to `scenario`, then `metrics.scenario`. */
  scenarioName?: string;
  /** Alias of `scenarioName`. */
  scenario?: string;
  description?: string;
  seed?: number | bigint | string;
  metrics: ScenarioMetrics;
  /** With what prediction published (`SimFrame.predictions`), if anything: the prediction section and the predicted paths come from it. */
  frames: readonly SimFrame[];
  streetMap: msg.StreetMap;
}

/** Marker kinds on the speed plot (CSS class `marker-<kind>`). */
export const MARKER_KINDS = {
  decision: "ped-decision",
  curbLeave: "ped-curb-leave",
  collision: "collision",
  hardBrake: "hard-brake",
} as const;

/** The event markers drawn on the time plots, in time order. */
export function eventMarkers(metrics: ScenarioMetrics): PlotMarker[] {
  const markers: PlotMarker[] = [];
  for (const p of metrics.pedestrians.table) {
    if (p.decisionTimeS !== null) {
      markers.push({ t: p.decisionTimeS, label: `P${p.id} decides to cross`, kind: MARKER_KINDS.decision, color: "#b8860b" });
    }
    if (p.curbLeaveTimeS !== null) {
      markers.push({ t: p.curbLeaveTimeS, label: `P${p.id} leaves curb`, kind: MARKER_KINDS.curbLeave, color: "#d35400" });
    }
  }
  for (const c of metrics.collisions.events) {
    markers.push({
      t: c.firstContactTimeS,
      label: `collision ${c.pedestrian ? "P" : "#"}${c.objectId} @ ${c.egoSpeedMps.toFixed(1)} m/s`,
      kind: MARKER_KINDS.collision,
      color: "#c0392b",
    });
  }
  for (const e of metrics.comfort.hardBrakeEvents) {
    markers.push({ t: e.startTimeS, label: `hard brake ${e.minAccelerationMps2.toFixed(1)} m/s²`, kind: MARKER_KINDS.hardBrake, color: "#8e44ad" });
  }
  return markers.sort((a, b) => a.t - b.t || a.kind.localeCompare(b.kind));
}

const fmt = (x: number | null, digits = 2, unit = ""): string => (x === null ? "–" : `${x.toFixed(digits)}${unit ? ` ${unit}` : ""}`);
const ttcText = (x: number | null, infinite: boolean): string => (infinite ? "∞ (never converging)" : fmt(x, 2, "s"));
const yesNo = (b: boolean | null): string => (b === null ? "–" : b ? "yes" : "no");

function table(headers: string[], rows: string[][], cls = ""): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table${cls ? ` class="${cls}"` : ""}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px auto; max-width: 960px; color: #222; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; }
.meta { color: #555; } .verdict { display: inline-block; padding: 2px 10px; border-radius: 4px; font-weight: 600; color: #fff; }
.verdict.ok { background: #2e8b57; } .verdict.bad { background: #c0392b; }
table { border-collapse: collapse; margin: 6px 0; } th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
svg { display: block; margin: 6px 0; } .plot-title { font-weight: 600; font-size: 13px; }
.tick { font-size: 11px; fill: #333; } .axis-label { font-size: 12px; fill: #222; }
.marker-label { font-size: 10px; } .bev-label { font-size: 12px; fill: #111; font-weight: 600; }
pre { background: #f7f7f7; padding: 8px; overflow: auto; font-size: 12px; }
`;

const PEDESTRIAN_COLORS = ["#2f6fd6", "#e67e22", "#16a085", "#8e44ad", "#c0392b", "#7f8c8d", "#b8860b", "#1abc9c"];
/** The horizon of the plotted crossing probability, s (the intent model's F1 target). */
const PLOTTED_HORIZON_S = 1;

/** Each pedestrian's crossing probability and the warnings planning saw, against the step-offs. Empty without predictions. */
function predictionSection(frames: readonly SimFrame[], originNs: bigint, m: ScenarioMetrics, xRange: [number, number], markers: PlotMarker[]): string {
  const { predictor, traces } = pedestrianIntentTraces(frames, originNs, PLOTTED_HORIZON_S);
  if (traces.length === 0) return "";
  const curbLeaves = markers.filter((k) => k.kind === MARKER_KINDS.curbLeave);
  const series = traces
    .filter((tr) => tr.probability.some(Number.isFinite))
    .map((tr, k) => ({
      label: `P${tr.trackId}`, color: PEDESTRIAN_COLORS[k % PEDESTRIAN_COLORS.length],
      points: tr.tS.map((t, i) => [t, tr.probability[i]] as const).filter(([, p]) => Number.isFinite(p)),
    }));
  const probability = series.length
    ? renderTimePlot({
        id: "intent-plot", title: `P(jaywalk within ${PLOTTED_HORIZON_S} s)`, xLabel: "time [s]", yLabel: "probability", xRange, yRange: [0, 1],
        series, markers: curbLeaves, heightPx: 220, markerLabelSpacePx: 0,
      })
    : "";
  const frameS = framePeriodS(frames);
  const timeline = renderWarningTimeline({ id: "warning-timeline", traces, pedestrians: m.pedestrians.table, xRange, frameS });
  return `<h2>Prediction (${escapeHtml(predictor || "–")})</h2>
<p class="meta">Per pedestrian track: the predicted probability of stepping into the road outside a crosswalk within ${PLOTTED_HORIZON_S} s, and when the predictor warned planning (crossing_predicted, at its own horizon and threshold), against when each pedestrian decided and stepped off.</p>
${probability}
${timeline}`;
}

/** The time between the first two frames (0.1 s for a single frame), s. */
function framePeriodS(frames: readonly SimFrame[]): number {
  return frames.length > 1 ? nsToSeconds(frames[1].tNs - frames[0].tNs) : 0.1;
}

/** Renders the whole report as an HTML document string. */
export function renderScenarioReport(input: ScenarioReportInput): string {
  const { metrics: m, frames } = input;
  const name = input.scenarioName ?? input.scenario ?? m.scenario;
  if (frames.length === 0) throw new Error(`report "${name}": no frames`);
  // The origin the metrics used: their first frame is at startTimeS.
  const originNs = frames[0].tNs - secondsToNs(m.startTimeS);
  const t = (f: SimFrame) => nsToSeconds(f.tNs - originNs);
  const xRange: [number, number] = [Math.min(0, t(frames[0])), Math.max(t(frames[frames.length - 1]), m.durationS)];
  const markers = eventMarkers(m);
  const collided = m.collisions.total > 0;

  const speedSvg = renderTimePlot({
    id: "speed-plot",
    title: "Ego speed",
    xLabel: "time [s]",
    yLabel: "speed [m/s]",
    xRange,
    yRange: [0, Math.max(1, ...frames.map((f) => f.vehicleState.speedMps)) * 1.15],
    series: [
      { label: "speed (vehicle state)", color: "#2f6fd6", points: frames.map((f) => [t(f), f.vehicleState.speedMps] as const) },
      ...(frames.some((f) => f.trajectory)
        ? [
            {
              label: "planned target",
              color: "#7f8c8d",
              dash: "5 3",
              points: frames.filter((f) => f.trajectory).map((f) => [t(f), f.trajectory!.targetSpeedMps] as const),
            },
          ]
        : []),
    ],
    markers,
    bands: decisionBands(frames.map(t), frames.map((f) => f.trajectory), framePeriodS(frames)),
    heightPx: 300,
  });
  const accSvg = renderTimePlot({
    id: "acceleration-plot",
    title: "Ego acceleration",
    xLabel: "time [s]",
    yLabel: "acceleration [m/s²]",
    xRange,
    series: [{ label: "acceleration", color: "#16a085", points: frames.map((f) => [t(f), f.vehicleState.accelerationMps2] as const) }],
    hLines: [{ y: m.options.hardBrakeThresholdMps2, label: `hard braking ${m.options.hardBrakeThresholdMps2} m/s²`, color: "#8e44ad" }],
    bands: m.comfort.hardBrakeEvents.map((e) => ({ t0: e.startTimeS, t1: e.endTimeS, kind: "hard-brake", color: "#8e44ad" })),
    markers: markers.filter((k) => k.kind === MARKER_KINDS.collision),
    heightPx: 220,
  });
  const jerkSvg = renderTimePlot({
    id: "jerk-plot",
    title: "Ego jerk",
    xLabel: "time [s]",
    yLabel: "jerk [m/s³]",
    xRange,
    series: [{ label: "jerk", color: "#7f8c8d", points: jerkSeries(frames, originNs) }],
    heightPx: 160,
  });

  // Snapshot at the closest approach to any pedestrian; the last frame when there were none.
  const snapIndex = Math.min(frames.length - 1, Math.max(0, m.pedestrians.minDistanceFrameIndex ?? frames.length - 1));
  const snapFrame = frames[snapIndex];
  const snapCaption =
    m.pedestrians.minDistancePedestrianId !== null
      ? `t = ${t(snapFrame).toFixed(2)} s — closest approach: P${m.pedestrians.minDistancePedestrianId} at ${fmt(m.pedestrians.minDistanceM, 2, "m")}`
      : `t = ${t(snapFrame).toFixed(2)} s — last frame (no pedestrians)`;
  const bevSvg = renderBevSnapshot({
    streetMap: input.streetMap,
    frames,
    frameIndex: snapIndex,
    predictions: snapFrame.predictions,
    focusPedestrianId: m.pedestrians.minDistancePedestrianId ?? undefined,
    caption: snapCaption,
  });

  const prediction = predictionSection(frames, originNs, m, xRange, markers);

  const summary = table(
    ["metric", "value"],
    [
      ["pedestrian collisions", String(m.collisions.pedestrian)],
      ["other collisions", String(m.collisions.other)],
      ["first contact", fmt(m.collisions.firstContactTimeS, 2, "s")],
      ["min distance to a pedestrian", fmt(m.pedestrians.minDistanceM, 2, "m")],
      ["min TTC to a pedestrian", m.pedestrians.count === 0 ? "–" : ttcText(m.pedestrians.minTtcS, m.pedestrians.minTtcInfinite)],
      ["hard-braking events (< " + m.options.hardBrakeThresholdMps2 + " m/s²)", String(m.comfort.hardBrakeCount)],
      ["max |jerk|", fmt(m.comfort.maxAbsJerkMps3, 1, "m/s³")],
      ["acceleration range", `${fmt(m.comfort.minAccelerationMps2, 2)} … ${fmt(m.comfort.maxAccelerationMps2, 2)} m/s²`],
      ["progress along route", `${fmt(m.progress.progressM, 1, "m")}${m.progress.routeLengthM !== null ? ` of ${fmt(m.progress.routeLengthM, 1, "m")}` : ""} (${m.progress.routeSource})`],
      ["completion time", m.progress.completed ? fmt(m.progress.completionTimeS, 2, "s") : "not completed"],
      ["distance travelled", fmt(m.progress.distanceTravelledM, 1, "m")],
      ["mean / max speed", `${fmt(m.speed.meanMps, 2)} / ${fmt(m.speed.maxMps, 2)} m/s`],
    ],
    "summary",
  );
  const pedTable =
    m.pedestrians.table.length === 0
      ? "<p>No pedestrians in this scenario.</p>"
      : table(
          ["id", "behaviour", "crosses", "min dist [m]", "at [s]", "min TTC [s]", "at [s]", "decides [s]", "leaves curb [s]", "on road [s]", "ego stopped then", "warned at step-off", "warning lead [s]", "collided"],
          m.pedestrians.table.map((p) => [
            `P${p.id}${p.isChild ? " (child)" : ""}`,
            p.behaviour,
            p.willJaywalk ? "jaywalk" : p.willCross ? "yes" : "no",
            fmt(p.minDistanceM),
            fmt(p.minDistanceTimeS),
            p.minTtcInfinite ? "∞" : fmt(p.minTtcS),
            fmt(p.minTtcTimeS),
            fmt(p.decisionTimeS),
            fmt(p.curbLeaveTimeS),
            fmt(p.enteredRoadTimeS),
            yesNo(p.egoStoppedWhenEnteredRoad),
            yesNo(p.warnedAtCurbLeave),
            fmt(p.warningLeadS),
            yesNo(p.collided),
          ]),
          "pedestrians",
        );
  const collisionTable =
    m.collisions.events.length === 0
      ? "<p>No collisions.</p>"
      : table(
          ["object", "class", "parked", "first contact [s]", "ego speed [m/s]", "relative speed [m/s]"],
          m.collisions.events.map((c) => [`${c.pedestrian ? "P" : "#"}${c.objectId}`, c.objectClass, yesNo(c.parked), fmt(c.firstContactTimeS), fmt(c.egoSpeedMps), fmt(c.relativeSpeedMps)]),
          "collisions",
        );
  const brakeTable =
    m.comfort.hardBrakeEvents.length === 0
      ? "<p>No hard braking.</p>"
      : table(
          ["start [s]", "end [s]", "min acceleration [m/s²]"],
          m.comfort.hardBrakeEvents.map((e) => [fmt(e.startTimeS), fmt(e.endTimeS), fmt(e.minAccelerationMps2)]),
          "hard-brakes",
        );

  const seed = input.seed === undefined ? "–" : String(input.seed);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(`curb scenario report — ${name}`)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(name)} <span class="verdict ${collided ? "bad" : "ok"}">${collided ? "COLLISION" : "no collision"}</span></h1>
<p class="meta">${escapeHtml(input.description ?? "")}</p>
<p class="meta">seed ${escapeHtml(seed)} · duration ${escapeHtml(fmt(m.durationS, 1, "s"))} · ${m.frameCount} frames · map ${escapeHtml(input.streetMap.name || "–")}</p>
<h2>Summary</h2>
${summary}
<h2>Speed and events</h2>
<p class="meta">Shaded: the planner's decision when it is not GO (${[...DECISION_BAND_STYLE.values()].map((d) => `<span style="color:${d.color}">■</span> ${d.name}`).join(", ")}); hover a band for the reason.</p>
${speedSvg}
${accSvg}
${jerkSvg}
${prediction}
<h2>Closest approach (bird's-eye view)</h2>
${bevSvg}
<h2>Pedestrians</h2>
${pedTable}
<h2>Collisions</h2>
${collisionTable}
<h2>Hard braking</h2>
${brakeTable}
<h2>Metrics (JSON)</h2>
<details><summary>ScenarioMetrics</summary><pre>${escapeHtml(scenarioMetricsToJson(m))}</pre></details>
</body>
</html>
`;
}
