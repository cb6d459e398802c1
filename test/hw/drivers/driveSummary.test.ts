// The one-line status `curb drive` prints: built from the same DiagnosticStatus it publishes.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { DiagnosticStatus_Level, DiagnosticStatusSchema, KeyValueSchema, TopicStatusSchema } from "../../../bus/gen/curb/diagnostics_pb.ts";
import { driveSummary } from "../../../hw/drivers/driveSummary.ts";

const status = (level: DiagnosticStatus_Level, message: string, values: Record<string, string>, topics: { topic: string; rateHz: number; stale?: boolean }[]) =>
  create(DiagnosticStatusSchema, {
    name: "drive",
    level,
    message,
    values: Object.entries(values).map(([key, value]) => create(KeyValueSchema, { key, value })),
    topics: topics.map((t) => create(TopicStatusSchema, { topic: t.topic, rateHz: t.rateHz, stale: t.stale ?? false })),
  });

/** The supervisor's per-process values: state and restarts by key, and the recorder's log. */
const states = (byKey: Record<string, [state: string, restarts: number]>, log: string) => ({
  ...Object.fromEntries(Object.entries(byKey).flatMap(([key, [state, restarts]]) => [[`${key}:state`, state], [`${key}:restarts`, String(restarts)]])),
  "recorder:log": log,
});

const processes = [
  { key: "velodyne/top", topics: ["/sensors/lidar/top/packets", "/sensors/lidar/top/points"] },
  { key: "radar/front_radar", topics: ["/sensors/radar/front_radar/objects"] },
  { key: "recorder", topics: [] },
];

describe("driveSummary", () => {
  it("says the level, then each process with its state and its topics' rates", () => {
    const s = status(
      DiagnosticStatus_Level.OK,
      "ok",
      states({ "velodyne/top": ["running", 0], "radar/front_radar": ["running", 0], recorder: ["running", 0] }, "/data/drive.mcap"),
      [["packets", 10.04], ["points", 9.96]].map(([w, rateHz]) => ({ topic: `/sensors/lidar/top/${w}`, rateHz: rateHz as number })).concat({ topic: "/sensors/radar/front_radar/objects", rateHz: 13.88 }),
    );
    expect(driveSummary(s, processes)).toBe(
      "OK · velodyne/top running (packets 10.0 Hz, points 10.0 Hz) · radar/front_radar running (objects 13.9 Hz) · recorder running (→ /data/drive.mcap)",
    );
  });

  it("puts what is wrong first, and shows restarts and stale topics", () => {
    const s = status(
      DiagnosticStatus_Level.ERROR,
      "radar/front_radar down (code 2: candump: cannot read /x.log), restart in 1000 ms",
      states({ "velodyne/top": ["running", 1], "radar/front_radar": ["backoff", 3], recorder: ["running", 2] }, "/data/drive-3.mcap"),
      [{ topic: "/sensors/lidar/top/packets", rateHz: 10 }, { topic: "/sensors/lidar/top/points", rateHz: 10 }, { topic: "/sensors/radar/front_radar/objects", rateHz: 0, stale: true }],
    );
    expect(driveSummary(s, processes)).toBe(
      "ERROR: radar/front_radar down (code 2: candump: cannot read /x.log), restart in 1000 ms · velodyne/top running (packets 10.0 Hz, points 10.0 Hz, 1 restart) · radar/front_radar backoff (objects stale, 3 restarts) · recorder running (2 restarts, → /data/drive-3.mcap)",
    );
  });
});
