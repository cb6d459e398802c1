import { filter, type Observable, Subject } from "rxjs";
import type { Bus, Envelope } from "./Bus.ts";
import type { MessageOf, TopicName } from "./topics.ts";
import { topicSpec } from "./topics.ts";

/**
 * A bus inside one process. Delivery is synchronous, in publish order, so a simulation that drives
 * its nodes through it is deterministic. Slow asynchronous subscribers protect themselves with the
 * `latestWins` operator on latest-delivery topics.
 */
export class InProcessBus implements Bus {
  private readonly messages = new Subject<Envelope>();
  private readonly seqs = new Map<string, number>();

  publish<T extends TopicName>(topic: T, message: MessageOf<T>, stampNs: bigint): void {
    topicSpec(topic);
    const seq = this.seqs.get(topic) ?? 0;
    this.seqs.set(topic, seq + 1);
    this.messages.next({ topic, stampNs, seq, message } as Envelope);
  }

  topic<T extends TopicName>(topic: T): Observable<Envelope<T>> {
    topicSpec(topic);
    return this.messages.pipe(filter((e): e is Envelope<T> => e.topic === topic));
  }

  all(): Observable<Envelope> {
    return this.messages.asObservable();
  }

  async close(): Promise<void> {
    this.messages.complete();
  }
}
