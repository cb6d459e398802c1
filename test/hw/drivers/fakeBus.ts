// A bus stand-in that keeps what a driver publishes (the driver only needs publish()).
import type { MessageOf, TopicName } from "../../../bus/index.ts";

export interface Published {
  readonly topic: string;
  readonly message: MessageOf<TopicName>;
  readonly stampNs: bigint;
}

export class FakeBus {
  readonly published: Published[] = [];
  publish<T extends TopicName>(topic: T, message: MessageOf<T>, stampNs: bigint): void {
    this.published.push({ topic, message, stampNs });
  }
  on(topic: string): Published[] {
    return this.published.filter((p) => p.topic === topic);
  }
}
