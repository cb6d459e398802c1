import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { msg } from "../../../bus/index.ts";
import { computeScenarioMetrics } from "../../../sim/metrics/index.ts";
import {
  decisionBands,
  escapeHtml,
  eventMarkers,
  niceTicks,
  pedestrianIntentTraces,
  renderBevSnapshot,
  renderScenarioReport,
  renderTimePlot,
  warnedSpans,
  writeReport,
} from "../../../sim/report/index.ts";
import { LANE_Y_M, buildFrames, constantDrive, pedestrianObject } from "../metrics/syntheticDrive.ts";
import { jaywalkFrames, twoLaneMap } from "./streetScenario.ts";

const frames = jaywalkFrames();
const streetMap = twoLaneMap();
const metrics = computeScenarioMetrics({ scenario: "jaywalk_ahead", durationS: 9, frames, streetMap });

/** The text of the first `<svg ...>...</svg>` element whose opening tag matches `attr`. */
function svgWith(html: string, attr: string): string {
  const start = html.indexOf(`<svg ${attr}`);
  expect(start).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf("</svg>", start) + 6);
}
const count = (s: string, needle: string) => s.split(needle).length - 1;

describe("svgPlot", () => {
  it("nice ticks", () => {
    expect(niceTicks(0, 9, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(niceTicks(0, 12.3, 5)).toEqual([0, 2, 4, 6, 8, 10, 12]);
    expect(niceTicks(-5.2, 0.4, 5)).toEqual([-5, -4, -3, -2, -1, 0]);
  });

  it("draws axes, ticks, labels and one group per marker", () => {
    const svg = renderTimePlot({
      id: "p",
      title: "T",
      xLabel: "time [s]",
      yLabel: "speed [m/s]",
      series: [{ label: "v", color: "#00f", points: [[0, 0], [1, 2], [2, 4]] }],
      markers: [
        { t: 0.5, label: "a", kind: "k1", color: "#f00" },
        { t: 1.5, label: "b", kind: "k2", color: "#f00" },
      ],
    });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("time [s]");
    expect(svg).toContain("speed [m/s]");
    expect(count(svg, 'class="marker ')).toBe(2);
    expect(count(svg, 'class="tick"')).toBeGreaterThan(6);
  });
});

describe("scenario report", () => {
  const html = renderScenarioReport({
    scenario: "jaywalk_ahead",
    description: "Jaywalker steps out 7 m ahead of a 10 m/s ego.",
    seed: 42,
    metrics,
    frames,
    streetMap,
  });

  it("is a self-contained HTML document", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|href="http/i);
    expect(html).toContain("seed 42");
  });

  it("has a speed plot with one marker per pedestrian event", () => {
    const speed = svgWith(html, 'id="speed-plot"');
    const peds = metrics.pedestrians.table;
    const decisions = peds.filter((p) => p.decisionTimeS !== null).length;
    const curbLeaves = peds.filter((p) => p.curbLeaveTimeS !== null).length;
    expect(decisions).toBe(1);
    expect(curbLeaves).toBe(1);
    expect(count(speed, 'class="marker marker-ped-decision"')).toBe(decisions);
    expect(count(speed, 'class="marker marker-ped-curb-leave"')).toBe(curbLeaves);
    expect(count(speed, 'class="marker marker-hard-brake"')).toBe(metrics.comfort.hardBrakeCount);
    expect(count(speed, 'class="marker marker-collision"')).toBe(metrics.collisions.total);
    expect(speed).toContain("P4 decides to cross");
    expect(speed).toContain("P4 leaves curb");
    expect(speed).toContain("speed [m/s]");
    expect(html).toContain('id="acceleration-plot"');
  });

  it("shades the planner's decisions other than GO, one band per run of frames, titled with its first reason", () => {
    const D = msg.Trajectory_Decision;
    const plan = (decision: msg.Trajectory_Decision, reason: string) => msg.create(msg.TrajectorySchema, { decision, reason });
    const plans = [
      plan(D.GO, "free road"), plan(D.YIELD, "pedestrian 3 waiting at the crosswalk 40.0 m ahead"), plan(D.YIELD, "pedestrian 3 … 30.0 m ahead"),
      plan(D.STOP, "stopped"), undefined, plan(D.FOLLOW, "following vehicle 9 <bus>"), plan(D.GO, "free road"),
    ];
    const bands = decisionBands(plans.map((_, i) => i / 10), plans, 0.1);
    expect(bands.map((b) => b.kind)).toEqual(["decision-yield", "decision-stop", "decision-follow"]);
    const spans = [[0.1, 0.3], [0.3, 0.4], [0.5, 0.6]]; // a frame period past each run's last frame; no plan ends a run
    bands.forEach((b, i) => {
      expect(b.t0).toBeCloseTo(spans[i][0], 9);
      expect(b.t1).toBeCloseTo(spans[i][1], 9);
    });
    expect(bands[0].label).toBe("YIELD from 0.1 s: pedestrian 3 waiting at the crosswalk 40.0 m ahead");
    const svg = renderTimePlot({ id: "p", title: "t", xLabel: "x", yLabel: "y", series: [{ label: "s", color: "#000", points: [[0, 0], [1, 1]] }], bands });
    expect(count(svg, 'class="band band-decision-')).toBe(3);
    expect(svg).toContain("<title>FOLLOW from 0.5 s: following vehicle 9 &lt;bus&gt;</title>");
  });

  it("marks collisions when there are some", () => {
    const f = buildFrames(80, constantDrive, () => [pedestrianObject({ id: 7, x: 50, y: LANE_Y_M })]);
    const m = computeScenarioMetrics({ scenario: "hit", durationS: 8, frames: f });
    const h = renderScenarioReport({ scenario: "hit", metrics: m, frames: f, streetMap });
    expect(count(svgWith(h, 'id="speed-plot"'), 'class="marker marker-collision"')).toBe(1);
    expect(h).toContain("COLLISION");
    expect(eventMarkers(m).map((k) => k.kind)).toEqual(["collision"]);
  });

  it("BEV snapshot at closest approach shows the ego and every pedestrian", () => {
    const bev = svgWith(html, 'class="bev"');
    expect(count(bev, '<g class="ego">')).toBe(1);
    const snap = frames[metrics.pedestrians.minDistanceFrameIndex!];
    for (const o of snap.groundTruth.objects) {
      if (o.objectClass !== msg.ObjectClass.PEDESTRIAN) continue;
      expect(bev).toContain(`<g class="pedestrian" data-id="${o.id}">`);
      expect(bev).toContain(`>P${o.id}</text>`);
    }
    expect(bev).toContain('class="trail"');
    expect(bev).toContain('class="crosswalk"');
    expect(bev).toContain('class="scale-bar"');
    expect(bev).toContain('class="north-arrow"');
    expect(count(bev, 'class="parked-car"')).toBe(3);
  });

  it("escapes every inserted text", () => {
    const evil = 'x<script>alert("1")</script>&';
    const h = renderScenarioReport({
      scenario: evil,
      description: "<img src=x onerror=alert(1)>",
      metrics: { ...metrics, scenario: evil },
      frames,
      streetMap,
    });
    expect(h).not.toContain("<script>");
    expect(h).not.toContain("<img");
    expect(h).toContain("x&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;&amp;");
    expect(escapeHtml(`<a href='x'>&</a>`)).toBe("&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
  });

  it("draws predicted paths when given", () => {
    const idx = metrics.pedestrians.minDistanceFrameIndex!;
    const preds = frames.map(() => undefined as msg.AgentPredictions | undefined);
    preds[idx] = msg.create(msg.AgentPredictionsSchema, {
      predictor: "test",
      agents: [{ trackId: 12, paths: [{ probability: 0.8, dtS: 0.5, points: [{ x: 52, y: -2 }, { x: 52, y: 0 }] }] }],
    });
    const bev = renderBevSnapshot({ streetMap, frames, frameIndex: idx, predictions: preds[idx] });
    expect(bev).toContain('class="predicted-path" data-track="12"');
  });

  it("takes the title from scenarioName, scenario or the metrics", () => {
    const a = renderScenarioReport({ scenarioName: "named_run", metrics, frames, streetMap });
    expect(a).toContain("<h1>named_run ");
    const b = renderScenarioReport({ metrics, frames, streetMap });
    expect(b).toContain("<h1>jaywalk_ahead ");
  });

  it("writes the report to disk", () => {
    const dir = mkdtempSync(join(tmpdir(), "curb-report-"));
    const path = join(dir, "nested", "jaywalk_ahead.html");
    writeReport(path, html);
    expect(readFileSync(path, "utf8")).toBe(html);
  });
});

describe("prediction section", () => {
  // The jaywalker P4 warned from 2.5 s and, for one frame, at 1.0 s; a parked car predicted too (not a pedestrian).
  const warnedAt = (k: number) => k >= 25 || k === 10;
  const predicted = frames.map((f, k) => ({
    ...f,
    predictions: msg.create(msg.AgentPredictionsSchema, {
      predictor: "intent_cnn_gru",
      agents: [
        {
          trackId: 4, objectClass: msg.ObjectClass.PEDESTRIAN, crossingPredicted: warnedAt(k),
          crossing: [{ horizonS: 0.5, probability: 0 }, { horizonS: 1, probability: k / 100 }],
          paths: [{ probability: 1, dtS: 0.5, points: [{ x: 52, y: -2 }, { x: 52, y: 0 }] }],
        },
        { trackId: 101, objectClass: msg.ObjectClass.CAR },
      ],
    }),
  }));

  it("traces each pedestrian track's probability at the horizon and its warnings, in warned spans", () => {
    const { predictor, traces } = pedestrianIntentTraces(predicted, predicted[0].tNs, 1);
    expect(predictor).toBe("intent_cnn_gru");
    expect(traces.map((t) => t.trackId)).toEqual([4]);
    expect(traces[0].tS).toHaveLength(frames.length);
    expect(traces[0].probability[30]).toBeCloseTo(0.3, 12);
    const spans = warnedSpans(traces[0], 0.1);
    expect(spans).toHaveLength(2);
    expect(spans[0]).toEqual([1, expect.closeTo(1.1, 9)]);
    expect(spans[1][0]).toBeCloseTo(2.5, 9);
    expect(spans[1][1]).toBeCloseTo((frames.length - 1) / 10 + 0.1, 9); // the last frame lasts one frame
    // A horizon the predictor does not publish reads NaN rather than another horizon's value.
    expect(pedestrianIntentTraces(predicted, predicted[0].tNs, 2).traces[0].probability.every(Number.isNaN)).toBe(true);
  });

  it("the report plots the probability, draws the warnings against the step-off, and the predicted path", () => {
    const html = renderScenarioReport({ scenario: "jaywalk_ahead", metrics, frames: predicted, streetMap });
    expect(html).toContain("Prediction (intent_cnn_gru)");
    expect(svgWith(html, 'id="intent-plot"')).toContain("P4 leaves curb");
    const timeline = svgWith(html, 'id="warning-timeline"');
    expect(count(timeline, 'class="row"')).toBe(1);
    expect(count(timeline, 'class="warned"')).toBe(2);
    expect(count(timeline, 'class="steps-off"')).toBe(1);
    expect(count(timeline, 'class="decides"')).toBe(1);
    expect(timeline).toContain("P4 jaywalk");
    expect(html).toContain('class="predicted-path" data-track="4"');
    // The pedestrians table: P4 warned since 2.5 s when it stepped off at 3.0 s.
    const withWarning = computeScenarioMetrics({ scenario: "jaywalk_ahead", durationS: 9, frames: predicted, streetMap });
    const rows = renderScenarioReport({ scenario: "jaywalk_ahead", metrics: withWarning, frames: predicted, streetMap });
    const p4 = rows.slice(rows.indexOf("<td>P4</td>"), rows.indexOf("</tr>", rows.indexOf("<td>P4</td>")));
    expect(p4).toContain("<td>yes</td><td>0.50</td>");
    // Without predictions there is no such section.
    expect(renderScenarioReport({ scenario: "jaywalk_ahead", metrics, frames, streetMap })).not.toContain("warning-timeline");
  });
});
