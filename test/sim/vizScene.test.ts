import { describe, expect, it } from "vitest";
import { msg } from "../../bus/index.ts";
import { SceneEntityDeletion_Type } from "../../bus/gen/foxglove/SceneEntityDeletion_pb.ts";
import { vizScene } from "../../sim/vizScene.ts";

describe("vizScene (/viz/scene for Foxglove)", () => {
  const groundTruth = msg.create(msg.GroundTruthSchema, {
    ego: { xM: 10, yM: -1.75, yawRad: 0, speedMps: 11, lengthM: 4.6, widthM: 1.9 },
    objects: [
      { id: 1, objectClass: msg.ObjectClass.PEDESTRIAN, xM: 40, yM: -6, yawRad: Math.PI / 2, lengthM: 0.5, widthM: 0.5, heightM: 1.75 },
      { id: 101, objectClass: msg.ObjectClass.CAR, xM: 30, yM: -4.5, yawRad: 0, lengthM: 4.5, widthM: 1.8, heightM: 1.5, parked: true },
    ],
  });
  const tracks = msg.create(msg.TrackListSchema, { tracks: [{ id: 1, objectClass: msg.ObjectClass.PEDESTRIAN, xM: 40, yM: -6, lengthM: 0.5, widthM: 0.5, heightM: 1.75 }] });
  const predictions = msg.create(msg.AgentPredictionsSchema, {
    agents: [{
      trackId: 1, crossingPredicted: true,
      crossing: [{ horizonS: 0.5, probability: 0.123 }, { horizonS: 1, probability: 0.5 }, { horizonS: 1.5, probability: 0.876 }, { horizonS: 2, probability: 1 }],
      paths: [{ probability: 1, dtS: 0.1, points: [{ x: 40, y: -5.9 }, { x: 40, y: -5.8 }] }],
    }],
  });

  it("clears the previous frame, then draws ego, every object, tracks, predicted paths and probabilities", () => {
    const scene = vizScene(5_000_000_000n, groundTruth, tracks, predictions);
    expect(scene.deletions).toHaveLength(1);
    expect(scene.deletions[0].type).toBe(SceneEntityDeletion_Type.ALL);
    expect(scene.entities.map((e) => e.id).sort()).toEqual(["ego", "gt/1", "gt/101", "intent/1", "path/1", "track/1"]);
    const pedestrian = scene.entities.find((e) => e.id === "gt/1")!;
    expect(pedestrian.frameId).toBe("map");
    expect(pedestrian.cubes[0].pose?.position).toEqual(expect.objectContaining({ x: 40, y: -6, z: 0.875 }));
    // Yaw π/2 about z as a quaternion.
    expect(pedestrian.cubes[0].pose?.orientation?.z).toBeCloseTo(Math.SQRT1_2, 12);
    expect(pedestrian.timestamp?.seconds).toBe(5n);
    // A predicted crossing is drawn red.
    const path = scene.entities.find((e) => e.id === "path/1")!;
    expect(path.lines[0].points).toHaveLength(2);
    expect(path.lines[0].color?.r).toBeGreaterThan(0.9);
    expect(path.lines[0].color?.g).toBeLessThan(0.3);
    // Above the pedestrian's track: its probability per horizon, red like the path while it is warned.
    const label = scene.entities.find((e) => e.id === "intent/1")!.texts[0];
    expect(label.text).toBe("jaywalk 0.5s 0.12 · 1s 0.50 · 1.5s 0.88 · 2s 1.00");
    expect(label.pose?.position).toEqual(expect.objectContaining({ x: 40, y: -6, z: 1.75 + 0.4 }));
    expect(label.billboard).toBe(true);
    expect(label.color?.r).toBeGreaterThan(0.9);
    expect(label.color?.g).toBeLessThan(0.3);
  });

  it("labels only pedestrians with crossing probabilities and a track this frame", () => {
    const cars = msg.create(msg.AgentPredictionsSchema, { agents: [{ trackId: 101, paths: [] }, { trackId: 7, crossing: [{ horizonS: 1, probability: 0.2 }] }] });
    const scene = vizScene(0n, groundTruth, tracks, cars);
    expect(scene.entities.some((e) => e.id.startsWith("intent/"))).toBe(false);
  });

  it("draws ground truth alone when the stack produced nothing yet", () => {
    const scene = vizScene(0n, groundTruth, undefined, undefined);
    expect(scene.entities.map((e) => e.id).sort()).toEqual(["ego", "gt/1", "gt/101"]);
  });
});
