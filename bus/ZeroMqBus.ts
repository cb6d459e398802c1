import { type Observable, Subject } from "rxjs";
import { Subscriber, XPublisher } from "zeromq";
import { z } from "zod";
import type { Bus, Envelope } from "./Bus.ts";
import { BusHealth } from "./BusHealth.ts";
import { decodeMessage, encodeMessage } from "./codec.ts";
import type { DiagnosticStatus } from "./gen/curb/diagnostics_pb.ts";
import { type MessageOf, TOPIC_NAMES, type TopicName, topicSpec } from "./topics.ts";
import { decodeHeader, decodeTopicFrame, encodeHeader, encodePublisherId, WireFormatError } from "./wireFrame.ts";
import { ipcEndpointInUse } from "./ipcEndpointOwner.ts";
import { LockHeldError, ProcessLock } from "./processLock.ts";

/**
 * Where a publisher binds (and its subscribers connect): one ZeroMQ endpoint per delivery class.
 * `latest` carries latest-delivery topics on a PUB socket with a small send high-water mark (drops,
 * never blocks); `lossless` carries lossless topics on a PUB socket with no high-water mark.
 */
export const ZeroMqEndpointsSchema = z
  .object({ latest: z.string(), lossless: z.string() })
  .strict();
export type ZeroMqEndpoints = z.infer<typeof ZeroMqEndpointsSchema>;

/** Bind only to the loopback interface or a Unix socket. */
const LOCAL_BIND = /^(tcp:\/\/127\.0\.0\.1:(\d+|\*)|ipc:\/\/.+)$/;
const CONNECTABLE = /^(tcp:\/\/[^:/]+:\d+|ipc:\/\/.+)$/;

const topicNameSchema = z.enum(TOPIC_NAMES as [TopicName, ...TopicName[]]);

/** Parameters of a {@link ZeroMqBus}, validated at start-up. */
export const ZeroMqBusOptionsSchema = z
  .object({
    /** Node or process name: `DiagnosticStatus.name` and the default publisher id. */
    name: z.string().min(1),
    /** Identifies this publisher in every frame; default `<name>:<pid>`. Drops are counted per (publisher, topic). */
    publisherId: z.string().min(1).max(255).optional(),
    /** Endpoints to publish on; omit for a subscribe-only bus (publishes then stay in-process). */
    bind: ZeroMqEndpointsSchema.refine((e) => LOCAL_BIND.test(e.latest) && LOCAL_BIND.test(e.lossless), {
      message: "bind endpoints must be tcp://127.0.0.1:<port|*> or ipc://<path>",
    }).optional(),
    /** Publishers to read from. */
    connect: z
      .array(
        ZeroMqEndpointsSchema.refine((e) => CONNECTABLE.test(e.latest) && CONNECTABLE.test(e.lossless), {
          message: "connect endpoints must be tcp://<host>:<port> or ipc://<path>",
        }),
      )
      .default([]),
    /** Topics subscribed from the start (more are added by topic() and all()). */
    subscribe: z.array(topicNameSchema).default([]),
    /** Messages queued per subscriber on the latest socket before the publisher drops (ZMQ_SNDHWM). */
    latestSendHighWaterMark: z.number().int().min(1).default(16),
    /** Messages queued per publisher on the subscriber's latest socket (ZMQ_RCVHWM). */
    latestReceiveHighWaterMark: z.number().int().min(1).default(16),
    /** How long close() lets the lossless socket deliver what is queued, ms (ZMQ_LINGER). */
    losslessLingerMs: z.number().int().min(0).default(2000),
    /** Deliver this bus's own publishes to its own topic() observers, synchronously, like InProcessBus. */
    loopback: z.boolean().default(true),
    /**
     * Times each message's arrival with this clock (ns), so `health.report(nowNs)` given the same
     * clock calls a topic stale when nothing arrived lately, whatever its stamps (a replayed capture
     * keeps its recorded ones). Omitted: staleness by stamp, the same in simulation and replay.
     */
    arrivalClock: z.custom<() => bigint>((v) => typeof v === "function", "a function returning ns").optional(),
  })
  .strict();
export type ZeroMqBusOptions = z.input<typeof ZeroMqBusOptionsSchema>;
type Options = z.output<typeof ZeroMqBusOptionsSchema>;

type Frames = [Uint8Array, Uint8Array, Uint8Array];

/** Subscriptions seen by an XPUB socket, per prefix (one count per subscriber). */
class SubscriptionTable {
  private readonly counts = new Map<string, number>();

  apply(frame: Uint8Array): void {
    if (frame.length === 0) return;
    const prefix = Buffer.from(frame.buffer, frame.byteOffset + 1, frame.byteLength - 1).toString("utf8");
    const delta = frame[0] === 1 ? 1 : frame[0] === 0 ? -1 : 0;
    this.counts.set(prefix, Math.max(0, (this.counts.get(prefix) ?? 0) + delta));
  }

  /** Subscribers whose subscription matches the topic (ZeroMQ prefix matching). */
  count(topic: string): number {
    let n = 0;
    for (const [prefix, c] of this.counts) if (topic.startsWith(prefix)) n += c;
    return n;
  }
}

/**
 * The bus across processes over ZeroMQ PUB/SUB; the same {@link Bus} interface as InProcessBus.
 * Wire frame: multipart [topic, header (version, stampNs, seq, publisher id), protobuf payload]
 * (see wireFrame.ts). Latest topics and lossless topics travel on separate sockets:
 *
 * - latest: XPUB with a small send high-water mark; at the mark ZeroMQ drops for that subscriber
 *   only, so publish() never waits. Subscribers count the seq gaps in {@link health}.
 * - lossless: XPUB with no high-water mark and ZMQ_XPUB_NODROP; subscribers read with no receive
 *   high-water mark, so nothing is dropped while both ends live (memory grows if a reader stalls).
 *   Messages go out in publish order through a small in-process outbox, and close() waits for it.
 *
 * Slow joiners: a publisher sees each subscription (XPUB) and {@link waitForSubscribers} resolves
 * once the given topics have subscribers, before anything is published that must not be lost.
 *
 * @example
 * ```ts
 * const bus = await ZeroMqBus.open({ name: "planner", bind: { latest: "ipc:///tmp/curb/planner.latest", lossless: "ipc:///tmp/curb/planner.lossless" },
 *   connect: [perceptionEndpoints], subscribe: ["/perception/tracks"] });
 * bus.topic("/perception/tracks").subscribe((e) => ...);
 * ```
 */
export class ZeroMqBus implements Bus {
  readonly health: BusHealth;
  readonly publisherId: string;
  /** The bound endpoints, with the real port where bound to `tcp://127.0.0.1:*`; undefined if not publishing. */
  endpoints: ZeroMqEndpoints | undefined;

  private readonly options: Options;
  private readonly publisherIdBytes: Uint8Array;
  private readonly topicBytes = new Map<string, Uint8Array>();
  private readonly seqs = new Map<string, number>();
  private readonly subjects = new Map<string, Subject<Envelope>>();
  private readonly allSubject = new Subject<Envelope>();
  private readonly wanted = new Set<string>();

  private latestPub: XPublisher | undefined;
  /** One per ipc endpoint bound (`<socket file>.lock`), held until close. */
  private readonly endpointLocks: ProcessLock[] = [];
  private losslessPub: XPublisher | undefined;
  private readonly latestSub: Subscriber;
  private readonly losslessSub: Subscriber;
  private readonly latestSubscriptions = new SubscriptionTable();
  private readonly losslessSubscriptions = new SubscriptionTable();
  /** Pending waitForSubscribers calls: `check` runs on every subscription change, `cancel` on close(). */
  private readonly subscriptionWaiters = new Map<() => void, () => void>();

  private readonly outbox: Frames[] = [];
  private outboxHead = 0;
  private sending = false;
  private outboxIdle: (() => void) | undefined;

  private readonly loops: Promise<void>[] = [];
  private closing = false;

  private constructor(options: Options) {
    this.options = options;
    this.publisherId = options.publisherId ?? `${options.name}:${process.pid}`;
    this.publisherIdBytes = encodePublisherId(this.publisherId);
    this.health = new BusHealth(options.name);
    this.latestSub = new Subscriber({ receiveHighWaterMark: options.latestReceiveHighWaterMark, linger: 0 });
    this.losslessSub = new Subscriber({ receiveHighWaterMark: 0, linger: 0 });
  }

  /** Validates the options, binds and connects, and starts the receive loops. */
  static async open(options: ZeroMqBusOptions): Promise<ZeroMqBus> {
    const bus = new ZeroMqBus(ZeroMqBusOptionsSchema.parse(options));
    await bus.start();
    return bus;
  }

  private async start(): Promise<void> {
    const { bind, connect, subscribe } = this.options;
    if (bind) {
      for (const endpoint of [bind.latest, bind.lossless]) {
        if (!endpoint.startsWith("ipc://")) continue;
        const path = endpoint.slice("ipc://".length);
        const refuse = (by: string) => {
          this.releaseEndpoints();
          this.latestSub.close();
          this.losslessSub.close();
          return new Error(`ZeroMqBus "${this.options.name}": another process${by} is bound to ${endpoint} (a second run on the same bus folder?): stop it or give this run another folder`);
        };
        // The lock decides between curb processes, even two started in the same instant; the
        // connect catches anything else listening there.
        try {
          this.endpointLocks.push(ProcessLock.acquire(`${path}.lock`));
        } catch (e) {
          if (e instanceof LockHeldError) throw refuse(Number.isNaN(e.holder.pid) ? "" : ` (pid ${e.holder.pid})`);
          throw e;
        }
        if (await ipcEndpointInUse(path)) throw refuse("");
      }
      // sendTimeout 0: zeromq.js always takes its synchronous send path (otherwise it defers every
      // few hundred sends to let the event loop breathe, and a send during the deferral is EBUSY).
      this.latestPub = new XPublisher({ sendHighWaterMark: this.options.latestSendHighWaterMark, sendTimeout: 0, linger: 0 });
      this.losslessPub = new XPublisher({ sendHighWaterMark: 0, noDrop: true, linger: this.options.losslessLingerMs });
      this.latestPub.verbosity = "allSubsUnsubs";
      this.losslessPub.verbosity = "allSubsUnsubs";
      try {
        await this.latestPub.bind(bind.latest);
        await this.losslessPub.bind(bind.lossless);
      } catch (err) {
        this.latestPub.close();
        this.losslessPub.close();
        this.latestSub.close();
        this.losslessSub.close();
        this.releaseEndpoints();
        throw new Error(`ZeroMqBus "${this.options.name}": cannot bind ${bind.latest} / ${bind.lossless}: ${String(err)}`);
      }
      this.endpoints = { latest: this.latestPub.lastEndpoint ?? bind.latest, lossless: this.losslessPub.lastEndpoint ?? bind.lossless };
      this.loops.push(this.subscriptionLoop(this.latestPub, this.latestSubscriptions));
      this.loops.push(this.subscriptionLoop(this.losslessPub, this.losslessSubscriptions));
    }
    for (const e of connect) {
      this.latestSub.connect(e.latest);
      this.losslessSub.connect(e.lossless);
    }
    for (const t of subscribe) this.want(t);
    this.loops.push(this.receiveLoop(this.latestSub));
    this.loops.push(this.receiveLoop(this.losslessSub));
  }

  publish<T extends TopicName>(topic: T, message: MessageOf<T>, stampNs: bigint): void {
    const spec = topicSpec(topic);
    if (this.closing) throw new Error(`ZeroMqBus "${this.options.name}": publish on ${topic} after close()`);
    const seq = this.seqs.get(topic) ?? 0;
    this.seqs.set(topic, seq + 1);
    if (this.latestPub && this.losslessPub) {
      const frames: Frames = [this.topicFrame(topic), encodeHeader(stampNs, seq, this.publisherIdBytes), encodeMessage(topic, message)];
      if (spec.delivery === "latest") {
        // A PUB socket without NODROP never blocks: at the high-water mark the message is dropped for
        // the slow subscriber and the promise resolves at once.
        try {
          this.latestPub.send(frames).catch((err: unknown) => this.health.recordSendError(topic, String(err)));
        } catch (err) {
          this.health.recordSendError(topic, String(err));
        }
      } else {
        this.outbox.push(frames);
        if (!this.sending) this.flush();
      }
    }
    if (this.options.loopback) this.emit({ topic, stampNs, seq, message } as Envelope);
  }

  topic<T extends TopicName>(topic: T): Observable<Envelope<T>> {
    topicSpec(topic);
    this.want(topic);
    let s = this.subjects.get(topic);
    if (!s) this.subjects.set(topic, (s = new Subject<Envelope>()));
    return s.asObservable() as Observable<Envelope<T>>;
  }

  all(): Observable<Envelope> {
    for (const t of TOPIC_NAMES) this.want(t);
    return this.allSubject.asObservable();
  }

  /** Subscribers this publisher currently has for a topic. */
  subscriberCount(topic: TopicName): number {
    const table = topicSpec(topic).delivery === "latest" ? this.latestSubscriptions : this.losslessSubscriptions;
    return table.count(topic);
  }

  /**
   * Resolves once every topic has at least `count` subscribers on this publisher (the ZeroMQ
   * slow-joiner handshake); rejects after `timeoutMs`.
   */
  waitForSubscribers(topics: readonly TopicName[], { count = 1, timeoutMs = 10_000 } = {}): Promise<void> {
    if (!this.latestPub) return Promise.reject(new Error(`ZeroMqBus "${this.options.name}" is not bound; it has no subscribers`));
    const ready = (): boolean => topics.every((t) => this.subscriberCount(t) >= count);
    if (ready()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!ready()) return;
        clearTimeout(timer);
        this.subscriptionWaiters.delete(check);
        resolve();
      };
      const fail = (why: string): void => {
        clearTimeout(timer);
        this.subscriptionWaiters.delete(check);
        const have = topics.map((t) => `${t}: ${this.subscriberCount(t)}`).join(", ");
        reject(new Error(`ZeroMqBus "${this.options.name}": ${why} waiting for ${count} subscriber(s); have ${have}`));
      };
      const timer = setTimeout(() => fail(`waited ${timeoutMs} ms`), timeoutMs);
      this.subscriptionWaiters.set(check, () => fail("closed"));
    });
  }

  /** Publishes this bus's input health ({@link BusHealth.report}) on `/diagnostics` and returns it. */
  publishDiagnostics(nowNs: bigint, latencyMs = 0): DiagnosticStatus {
    const status = this.health.report(nowNs, latencyMs);
    this.publish("/diagnostics", status, nowNs);
    return status;
  }

  /** Sends what is queued on the lossless socket, then closes every socket and completes the observables. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.sending) await new Promise<void>((resolve) => (this.outboxIdle = resolve));
    for (const cancel of [...this.subscriptionWaiters.values()]) cancel();
    this.latestPub?.close();
    this.losslessPub?.close();
    this.latestSub.close();
    this.losslessSub.close();
    await Promise.allSettled(this.loops);
    this.releaseEndpoints();
    for (const s of this.subjects.values()) s.complete();
    this.allSubject.complete();
  }

  private releaseEndpoints(): void {
    for (const lock of this.endpointLocks.splice(0)) lock.release();
  }

  private topicFrame(topic: string): Uint8Array {
    let b = this.topicBytes.get(topic);
    if (!b) this.topicBytes.set(topic, (b = Buffer.from(topic, "utf8")));
    return b;
  }

  private want(topic: TopicName): void {
    if (this.wanted.has(topic)) return;
    this.wanted.add(topic);
    this.health.expect(topic);
    (topicSpec(topic).delivery === "latest" ? this.latestSub : this.losslessSub).subscribe(topic);
  }

  /** Sends the lossless outbox in order; one send in flight at a time (zeromq's rule). */
  private flush(): void {
    const socket = this.losslessPub;
    if (!socket || this.outboxHead >= this.outbox.length) {
      this.sending = false;
      this.outbox.length = 0;
      this.outboxHead = 0;
      this.outboxIdle?.();
      this.outboxIdle = undefined;
      return;
    }
    this.sending = true;
    const frames = this.outbox[this.outboxHead];
    this.outbox[this.outboxHead++] = undefined as unknown as Frames;
    let sent: Promise<void>;
    try {
      sent = socket.send(frames);
    } catch (err) {
      sent = Promise.reject(err);
    }
    sent.then(
      () => this.flush(),
      (err: unknown) => {
        this.health.recordSendError(decodeTopicFrame(frames[0]), String(err));
        this.flush();
      },
    );
  }

  private emit(envelope: Envelope): void {
    this.subjects.get(envelope.topic)?.next(envelope);
    this.allSubject.next(envelope);
  }

  private async subscriptionLoop(socket: XPublisher, table: SubscriptionTable): Promise<void> {
    while (!this.closing) {
      let frames: Buffer[];
      try {
        frames = await socket.receive();
      } catch {
        return; // closed
      }
      if (frames[0]) table.apply(frames[0]);
      for (const check of [...this.subscriptionWaiters.keys()]) check();
    }
  }

  private async receiveLoop(socket: Subscriber): Promise<void> {
    while (!this.closing) {
      let frames: Buffer[];
      try {
        frames = await socket.receive();
      } catch (err) {
        if (!this.closing) this.health.recordDecodeError("?", `receive failed, loop stopped: ${String(err)}`);
        return;
      }
      this.handleFrames(frames);
    }
  }

  /** One received multipart message: anything malformed is counted, never thrown. */
  private handleFrames(frames: Buffer[]): void {
    let topic = "?";
    try {
      if (frames[0]) topic = decodeTopicFrame(frames[0]);
      if (frames.length !== 3) throw new WireFormatError(`expected 3 frames, got ${frames.length}`);
      const [, headerFrame, payload] = frames as [Buffer, Buffer, Buffer];
      if (!this.wanted.has(topic)) {
        // A prefix match of a topic we did not ask for, or a name not in the topic table.
        if (!TOPIC_NAMES.includes(topic as TopicName)) throw new WireFormatError(`unknown topic "${topic}"`);
        return;
      }
      const header = decodeHeader(headerFrame);
      if (this.options.loopback && header.publisherId === this.publisherId) return; // delivered at publish()
      const counter = this.health.counter(header.publisherId, topic);
      let message: MessageOf<TopicName>;
      try {
        message = decodeMessage(topic as TopicName, payload);
      } catch (err) {
        counter.skip(header.seq);
        throw err;
      }
      counter.observe(header.seq, header.stampNs);
      if (this.options.arrivalClock) this.health.arrived(topic, this.options.arrivalClock());
      this.emit({ topic: topic as TopicName, stampNs: header.stampNs, seq: header.seq, message });
    } catch (err) {
      this.health.recordDecodeError(topic, err instanceof Error ? err.message : String(err));
    }
  }
}
