import type { Observable } from "rxjs";
import type { MessageOf, TopicName } from "./topics.ts";

/** A message as it travels: the topic, its measurement time and a per-topic publisher sequence number. */
export interface Envelope<T extends TopicName = TopicName> {
  readonly topic: T;
  /** Sensor time of the data (sim time in simulation), integer nanoseconds. */
  readonly stampNs: bigint;
  /** Per-publisher, per-topic counter starting at 0; gaps seen by a subscriber are drops. */
  readonly seq: number;
  readonly message: MessageOf<T>;
}

/**
 * One typed Observable per topic. The same interface in one process (InProcessBus) and across
 * processes (ZeroMqBus): nodes take a Bus and never know which.
 */
export interface Bus {
  publish<T extends TopicName>(topic: T, message: MessageOf<T>, stampNs: bigint): void;
  /** Every message on a topic from now on. */
  topic<T extends TopicName>(topic: T): Observable<Envelope<T>>;
  /** Every message on every topic (the recorder's view). */
  all(): Observable<Envelope>;
  close(): Promise<void>;
}
