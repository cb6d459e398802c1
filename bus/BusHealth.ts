import { create } from "@bufbuild/protobuf";
import {
  type DiagnosticStatus,
  DiagnosticStatus_Level,
  DiagnosticStatusSchema,
  KeyValueSchema,
  TopicStatusSchema,
} from "./gen/curb/diagnostics_pb.ts";
import { DropCounter } from "./DropCounter.ts";
import { toTimestamp } from "./time.ts";
import { TOPICS } from "./topics.ts";

/** A topic is stale when its newest message is older than this many declared periods (openpilot's SubMaster). */
export const STALE_PERIODS = 10;
/** Below this fraction of the declared rate a topic is reported as a warning. */
export const MIN_RATE_FRACTION = 0.9;

/** What a subscriber knows about one topic, summed over its publishers. */
export interface TopicHealth {
  readonly topic: string;
  readonly received: number;
  /** Transport drops (seq gaps) plus consumer drops (latest-wins conflation). */
  readonly dropped: number;
  readonly transportDropped: number;
  readonly consumerDropped: number;
  readonly decodeErrors: number;
  readonly rateHz: number;
  readonly lastStampNs: bigint | undefined;
  /** When the newest message arrived, on the clock `report(nowNs)` is given; undefined when arrivals are not timed. */
  readonly lastArrivalNs: bigint | undefined;
}

interface Totals {
  dropped: number;
  decodeErrors: number;
}

/**
 * Health of a node's inputs: one {@link DropCounter} per (publisher, topic), decode errors, consumer
 * drops, and the `/diagnostics` message that reports them. Pure state; the caller gives the time.
 */
export class BusHealth {
  private readonly counters = new Map<string, Map<string, DropCounter>>();
  private readonly consumerDrops = new Map<string, number>();
  private readonly decodeErrors = new Map<string, number>();
  private readonly expected = new Set<string>();
  private sendErrors = 0;
  private lastError = "";
  private lastReport = new Map<string, Totals>();
  private readonly lastArrival = new Map<string, bigint>();

  /** @param name the node or process reporting, used as `DiagnosticStatus.name`. */
  constructor(readonly name: string) {}

  /** Declares a topic this node subscribes to, so it is reported (and stale) before its first message. */
  expect(topic: string): void {
    this.expected.add(topic);
  }

  /** The counter for one publisher's topic, created on first use. */
  counter(publisherId: string, topic: string): DropCounter {
    let byPublisher = this.counters.get(topic);
    if (!byPublisher) this.counters.set(topic, (byPublisher = new Map()));
    let c = byPublisher.get(publisherId);
    if (!c) byPublisher.set(publisherId, (c = new DropCounter()));
    return c;
  }

  /** Records a received message; returns the number of messages dropped just before it. */
  observe(publisherId: string, topic: string, seq: number, stampNs: bigint): number {
    return this.counter(publisherId, topic).observe(seq, stampNs);
  }

  /**
   * When a message on `topic` arrived, on the clock `report` is given. Where arrivals are timed,
   * staleness is "nothing arrived lately" rather than "the newest stamp is old": a replayed capture
   * keeps its recorded stamps (years ago, and repeating on a loop) while arriving at full rate.
   */
  arrived(topic: string, receivedNs: bigint): void {
    this.lastArrival.set(topic, receivedNs);
  }

  /** Messages a consumer discarded (the `onDrop` of `latestWins`). */
  recordConsumerDrop(topic: string, count = 1): void {
    this.consumerDrops.set(topic, (this.consumerDrops.get(topic) ?? 0) + count);
  }

  /** A frame that could not be decoded; `topic` is "?" when even the topic frame was unusable. */
  recordDecodeError(topic: string, reason: string): void {
    this.decodeErrors.set(topic, (this.decodeErrors.get(topic) ?? 0) + 1);
    this.lastError = `decode error on ${topic}: ${reason}`;
  }

  recordSendError(topic: string, reason: string): void {
    this.sendErrors++;
    this.lastError = `send error on ${topic}: ${reason}`;
  }

  get totalDecodeErrors(): number {
    let n = 0;
    for (const v of this.decodeErrors.values()) n += v;
    return n;
  }

  get totalSendErrors(): number {
    return this.sendErrors;
  }

  /** Per-topic health, sorted by topic name. */
  topics(): TopicHealth[] {
    const names = new Set<string>([...this.expected, ...this.counters.keys(), ...this.consumerDrops.keys(), ...this.decodeErrors.keys()]);
    return [...names].sort().map((topic) => {
      let received = 0;
      let transportDropped = 0;
      let rateHz = 0;
      let lastStampNs: bigint | undefined;
      for (const c of this.counters.get(topic)?.values() ?? []) {
        received += c.received;
        transportDropped += c.dropped;
        rateHz += c.rateHz;
        const s = c.lastStampNs;
        if (s !== undefined && (lastStampNs === undefined || s > lastStampNs)) lastStampNs = s;
      }
      const consumerDropped = this.consumerDrops.get(topic) ?? 0;
      return {
        topic,
        received,
        dropped: transportDropped + consumerDropped,
        transportDropped,
        consumerDropped,
        decodeErrors: this.decodeErrors.get(topic) ?? 0,
        rateHz,
        lastStampNs,
        lastArrivalNs: this.lastArrival.get(topic),
      };
    });
  }

  /**
   * The `/diagnostics` message for this cycle. Counts are cumulative; the level looks at what
   * changed since the previous call: STALE if an input with a declared rate has no message within
   * {@link STALE_PERIODS} periods of `nowNs` (by arrival where arrivals are timed, else by stamp), ERROR on new decode errors, WARN on new drops or a
   * rate under {@link MIN_RATE_FRACTION} of the declared one, else OK.
   */
  report(nowNs: bigint, latencyMs = 0): DiagnosticStatus {
    let level = DiagnosticStatus_Level.OK;
    const raise = (l: DiagnosticStatus_Level): void => {
      if (l > level) level = l;
    };
    const notes: string[] = [];
    const current = new Map<string, Totals>();
    const topics = this.topics().map((h) => {
      const declared = (TOPICS as Record<string, { rateHz: number }>)[h.topic]?.rateHz ?? 0;
      const last = h.lastArrivalNs ?? h.lastStampNs;
      const stale = declared > 0 && (last === undefined || Number(nowNs - last) > (STALE_PERIODS * 1e9) / declared);
      const before = this.lastReport.get(h.topic) ?? { dropped: 0, decodeErrors: 0 };
      const newDrops = h.dropped - before.dropped;
      const newErrors = h.decodeErrors - before.decodeErrors;
      current.set(h.topic, { dropped: h.dropped, decodeErrors: h.decodeErrors });
      if (stale) {
        raise(DiagnosticStatus_Level.STALE);
        notes.push(`${h.topic} stale`);
      }
      if (newErrors > 0) {
        raise(DiagnosticStatus_Level.ERROR);
        notes.push(`${newErrors} decode errors on ${h.topic}`);
      }
      if (newDrops > 0) {
        raise(DiagnosticStatus_Level.WARN);
        notes.push(`${newDrops} dropped on ${h.topic}`);
      }
      if (!stale && declared > 0 && h.received >= 2 && h.rateHz < MIN_RATE_FRACTION * declared) {
        raise(DiagnosticStatus_Level.WARN);
        notes.push(`${h.topic} at ${h.rateHz.toFixed(1)} Hz of ${declared} Hz`);
      }
      return create(TopicStatusSchema, {
        topic: h.topic,
        received: BigInt(h.received),
        dropped: BigInt(h.dropped),
        rateHz: h.rateHz,
        stale,
      });
    });
    this.lastReport = current;
    const values = [
      create(KeyValueSchema, { key: "decode_errors", value: String(this.totalDecodeErrors) }),
      create(KeyValueSchema, { key: "send_errors", value: String(this.sendErrors) }),
      ...this.topics().flatMap((h) => [
        create(KeyValueSchema, { key: `transport_dropped:${h.topic}`, value: String(h.transportDropped) }),
        create(KeyValueSchema, { key: `consumer_dropped:${h.topic}`, value: String(h.consumerDropped) }),
      ]),
    ];
    if (this.lastError) values.push(create(KeyValueSchema, { key: "last_error", value: this.lastError }));
    return create(DiagnosticStatusSchema, {
      timestamp: toTimestamp(nowNs),
      name: this.name,
      level,
      message: notes.length > 0 ? notes.join("; ") : "ok",
      latencyMs,
      topics,
      values,
    });
  }
}
