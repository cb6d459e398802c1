// A small deterministic multi-topic stream for recorder tests: no randomness, no wall time.
import { type Envelope, msg, type MessageOf, type TopicName, toTimestamp } from "../../bus/index.ts";

const { create } = msg;

export const T0_NS = 1_700_000_000_000_000_000n; // an epoch-like origin: beyond float64's exact range in ns
const STEP_NS = 100_000_000n; // 10 Hz

export interface Publication<T extends TopicName = TopicName> {
  readonly topic: T;
  readonly message: MessageOf<T>;
  readonly stampNs: bigint;
}

/**
 * `frames` 10 Hz frames of ground truth, vehicle state, /tf, detections and control, a /map at the
 * start, /diagnostics every 10 frames, and one detection list published a frame late (its stamp is
 * older than the message before it), in publish order.
 */
export function syntheticDrive(frames: number): Publication[] {
  const out: Publication[] = [];
  const push = <T extends TopicName>(topic: T, message: MessageOf<T>, stampNs: bigint): void => {
    out.push({ topic, message, stampNs } as Publication);
  };
  push("/map", create(msg.StreetMapSchema, { timestamp: toTimestamp(T0_NS), frameId: "map", name: "synthetic" }), T0_NS);
  for (let i = 0; i < frames; i++) {
    const stampNs = T0_NS + BigInt(i) * STEP_NS;
    const timestamp = toTimestamp(stampNs);
    const x = 2.5 * i * 0.1;
    push(
      "/sim/ground_truth",
      create(msg.GroundTruthSchema, {
        timestamp,
        frameId: "map",
        ego: { xM: x, yM: 0, yawRad: 0, speedMps: 2.5, lengthM: 4.6, widthM: 1.9 },
        objects: [
          {
            id: 1,
            objectClass: msg.ObjectClass.PEDESTRIAN,
            xM: 20 - 0.1 * i,
            yM: 4,
            lengthM: 0.5,
            widthM: 0.5,
            heightM: 1.7,
            visibility: 1,
            pedestrian: { behaviour: msg.PedestrianTruth_Behaviour.JAYWALK, willJaywalk: true, willCross: true, decisionTimeNs: T0_NS + 5n * STEP_NS },
          },
        ],
      }),
      stampNs,
    );
    push(
      "/vehicle/state",
      create(msg.VehicleStateSchema, { timestamp, frameId: "map", xM: x, speedMps: 2.5, lengthM: 4.6, widthM: 1.9, wheelbaseM: 2.8 }),
      stampNs,
    );
    push(
      "/tf",
      create(msg.FrameTransformsSchema, {
        transforms: [
          { timestamp, parentFrameId: "map", childFrameId: "base_link", translation: { x, y: 0, z: 0 }, rotation: { x: 0, y: 0, z: 0, w: 1 } },
        ],
      }),
      stampNs,
    );
    if (i !== 3) {
      push("/perception/detections", create(msg.DetectionListSchema, { timestamp, frameId: "map" }), stampNs);
    }
    if (i === 4) {
      // Frame 3's detections arrive late, after frame 4's messages started.
      const late = T0_NS + 3n * STEP_NS;
      push("/perception/detections", create(msg.DetectionListSchema, { timestamp: toTimestamp(late), frameId: "map" }), late);
    }
    push("/control/command", create(msg.ControlCommandSchema, { timestamp, accelerationMps2: i % 2 === 0 ? 0.5 : -0.25 }), stampNs);
    if (i % 10 === 0) {
      push(
        "/diagnostics",
        create(msg.DiagnosticStatusSchema, { timestamp, name: "sim", level: msg.DiagnosticStatus_Level.OK, message: `frame ${i}` }),
        stampNs,
      );
    }
  }
  return out;
}

/** Per-topic counts of a publication list. */
export function countByTopic(items: readonly { topic: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { topic } of items) counts.set(topic, (counts.get(topic) ?? 0) + 1);
  return counts;
}

/** What a log reader should yield: envelopes with per-topic seq, stably sorted by stamp. */
export function expectedLogOrder(pubs: readonly Publication[]): Envelope[] {
  const seqs = new Map<string, number>();
  const envelopes = pubs.map((p) => {
    const seq = seqs.get(p.topic) ?? 0;
    seqs.set(p.topic, seq + 1);
    return { topic: p.topic, stampNs: p.stampNs, seq, message: p.message } as Envelope;
  });
  return envelopes
    .map((e, i) => [e, i] as const)
    .sort(([a, i], [b, j]) => (a.stampNs < b.stampNs ? -1 : a.stampNs > b.stampNs ? 1 : i - j))
    .map(([e]) => e);
}
