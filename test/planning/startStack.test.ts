import { describe, expect, it } from "vitest";
import { InProcessBus, msg, secondsToNs, type Envelope } from "../../bus/index.ts";
import { startStack } from "../../planning/index.ts";
import { groundTruth, streetMap, vehicleState } from "../prediction/streetFixture.ts";

const exactPerception = { positionNoiseSdM: 0, velocityNoiseSdMps: 0, missProbability: 0, delayS: 0 };

describe("startStack", () => {
  it("a ground-truth frame flows through perception, prediction and planning in the same frame", async () => {
    const bus = new InProcessBus();
    const seen: Envelope[] = [];
    const all = bus.all().subscribe((e) => seen.push(e));
    const stack = startStack(bus, { perception: exactPerception });

    bus.publish("/map", streetMap(), 0n);
    const tS = 1;
    const stampNs = secondsToNs(tS);
    bus.publish("/vehicle/state", vehicleState(tS, 10, -1.75, 10), stampNs);
    bus.publish(
      "/sim/ground_truth",
      groundTruth(tS, [
        { id: 5, x: 40, y: -6, vy: 1.2 }, // about to jaywalk 30 m ahead
        { id: 6, objectClass: msg.ObjectClass.CAR, x: 80, y: -1.75, vx: 9 },
        { id: 7, x: 50, y: 8, vx: 1.3 },
      ], { x: 10, y: -1.75, speed: 10 }),
      stampNs,
    );

    const frame = seen.filter((e) => e.stampNs === stampNs);
    const topics = frame.map((e) => e.topic);
    for (const t of ["/perception/detections", "/perception/tracks", "/prediction/agents", "/planning/trajectory", "/control/command"] as const) {
      expect(topics.filter((x) => x === t)).toHaveLength(1);
    }
    // Order within the frame: tracks → agents → trajectory → command.
    expect(topics.indexOf("/perception/tracks")).toBeLessThan(topics.indexOf("/prediction/agents"));
    expect(topics.indexOf("/prediction/agents")).toBeLessThan(topics.indexOf("/planning/trajectory"));
    expect(topics.indexOf("/planning/trajectory")).toBeLessThan(topics.indexOf("/control/command"));

    const diags = frame.filter((e) => e.topic === "/diagnostics").map((e) => e.message as msg.DiagnosticStatus);
    expect(diags.map((d) => d.name).sort()).toEqual(["perception", "planning", "prediction"]);
    for (const d of diags) {
      expect(d.level).toBe(msg.DiagnosticStatus_Level.OK);
      expect(d.latencyMs).toBeGreaterThanOrEqual(0);
      expect(d.latencyMs).toBeLessThan(1000);
    }

    const tracks = frame.find((e) => e.topic === "/perception/tracks")!.message as msg.TrackList;
    expect(tracks.tracks.map((t) => t.id)).toEqual([5, 6, 7]);
    const agents = frame.find((e) => e.topic === "/prediction/agents")!.message as msg.AgentPredictions;
    expect(agents.predictor).toBe("cv_curb_rule");
    expect(agents.agents.find((a) => a.trackId === 5)!.crossingPredicted).toBe(true);
    expect(agents.agents.find((a) => a.trackId === 7)!.crossingPredicted).toBe(false);
    const trajectory = frame.find((e) => e.topic === "/planning/trajectory")!.message as msg.Trajectory;
    expect(trajectory.decision).toBe(msg.Trajectory_Decision.YIELD);
    expect(trajectory.reasonTrackId).toBe(5);
    const command = frame.find((e) => e.topic === "/control/command")!.message as msg.ControlCommand;
    expect(command.accelerationMps2).toBeLessThan(0);
    expect(command.accelerationMps2).toBe(trajectory.accelerationMps2);

    // Stopped nodes no longer answer.
    stack.stop();
    const before = seen.length;
    bus.publish("/sim/ground_truth", groundTruth(1.1, []), secondsToNs(1.1));
    expect(seen.length).toBe(before + 1);
    all.unsubscribe();
    await bus.close();
  });

  it("without /map and /vehicle/state, planning reports WARN and publishes no command", () => {
    const bus = new InProcessBus();
    const seen: Envelope[] = [];
    bus.all().subscribe((e) => seen.push(e));
    startStack(bus, { perception: exactPerception });
    bus.publish("/sim/ground_truth", groundTruth(0.5, [{ id: 1, x: 30, y: -7 }]), secondsToNs(0.5));
    expect(seen.some((e) => e.topic === "/control/command")).toBe(false);
    const planning = seen.find((e) => e.topic === "/diagnostics" && (e.message as msg.DiagnosticStatus).name === "planning")!;
    expect((planning.message as msg.DiagnosticStatus).level).toBe(msg.DiagnosticStatus_Level.WARN);
  });

  it("rejects invalid parameters before starting anything", () => {
    expect(() => startStack(new InProcessBus(), { planning: { maxAccelMps2: -1 } })).toThrow();
  });
});
