/** How many recent message stamps the rate estimate looks at. */
export const RATE_WINDOW_MESSAGES = 32;

/**
 * Counts what one subscriber saw of one publisher's topic from the `seq` numbers in the envelopes:
 * messages received, messages dropped (gaps in seq), publisher restarts (seq going backwards), and
 * the rate over the last {@link RATE_WINDOW_MESSAGES} messages, from their sensor stamps (so it is
 * deterministic in simulation and replay). Pure state, no clock: one instance per (publisher, topic).
 *
 * Drops are counted from the first message received: messages published before this subscriber
 * joined are not drops. Messages lost after the last one received are invisible to a gap count;
 * {@link accountUpTo} closes that tail when the publisher says how far it got.
 */
export class DropCounter {
  received = 0;
  dropped = 0;
  /** Times the seq went backwards (publisher restarted); the counting starts over without a drop. */
  resets = 0;
  /** The next seq expected, or -1 before the first message. */
  private expected = -1;
  private readonly stamps: bigint[] = new Array<bigint>(RATE_WINDOW_MESSAGES).fill(0n);
  private stampCount = 0;

  /** Records a received message; returns how many messages were dropped just before it. */
  observe(seq: number, stampNs: bigint): number {
    let gap = 0;
    if (this.expected >= 0) {
      if (seq > this.expected) gap = seq - this.expected;
      else if (seq < this.expected) this.resets++;
    }
    this.dropped += gap;
    this.received++;
    this.expected = seq + 1;
    this.stamps[this.stampCount % RATE_WINDOW_MESSAGES] = stampNs;
    this.stampCount++;
    return gap;
  }

  /**
   * Records a message that arrived but could not be used (bad payload): it moves the expected seq
   * on, so it is neither a drop nor a receive. Decode errors are counted by the caller.
   */
  skip(seq: number): void {
    if (this.expected >= 0 && seq > this.expected) this.dropped += seq - this.expected;
    this.expected = Math.max(this.expected, seq + 1);
  }

  /**
   * The publisher reports that its last seq was `lastSeq`: every message after the last one seen up
   * to it is counted as dropped. Returns the number added.
   */
  accountUpTo(lastSeq: number): number {
    const next = lastSeq + 1;
    const from = this.expected >= 0 ? this.expected : 0;
    const gap = Math.max(0, next - from);
    this.dropped += gap;
    this.expected = Math.max(this.expected, next);
    return gap;
  }

  /** The last seq seen, or -1. */
  get lastSeq(): number {
    return this.expected - 1;
  }

  /** Stamp of the newest message, or undefined before the first. */
  get lastStampNs(): bigint | undefined {
    return this.stampCount === 0 ? undefined : this.stamps[(this.stampCount - 1) % RATE_WINDOW_MESSAGES];
  }

  /** Messages per second of sensor time over the recent window; 0 with fewer than two messages or no time span. */
  get rateHz(): number {
    const n = Math.min(this.stampCount, RATE_WINDOW_MESSAGES);
    if (n < 2) return 0;
    const newest = this.stamps[(this.stampCount - 1) % RATE_WINDOW_MESSAGES];
    const oldest = this.stamps[(this.stampCount - n) % RATE_WINDOW_MESSAGES];
    const spanNs = newest - oldest;
    if (spanNs <= 0n) return 0;
    return ((n - 1) * 1e9) / Number(spanNs);
  }
}
