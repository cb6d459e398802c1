// Velodyne sensor time: hour from the host, PPS-aware, hour rollover, clock-jump re-anchoring.
import { describe, expect, it } from "vitest";
import { VelodyneClock } from "../../../hw/drivers/index.ts";

const HOUR_NS = 3_600_000_000_000n;
const MS = 1_000_000n;

function clock(events: string[] = []) {
  return new VelodyneClock({ source: "device", jumpThresholdNs: 100n * MS, onEvent: (m) => events.push(m) });
}

describe("VelodyneClock", () => {
  // Host clock: 2024-01-01 10:59:59.900 UTC.
  const hour10 = 1_704_103_200_000_000_000n;
  const hostAt = (us: number) => hour10 + BigInt(us) * 1000n + 5n * MS; // 5 ms receive latency

  it("without PPS: anchors to the first receive time, then follows the sensor's intervals", () => {
    const c = clock();
    const t0 = c.stamp(1_000_000, 7n * HOUR_NS + 123n * MS); // free-running clock, unrelated to the host
    expect(t0).toBe(7n * HOUR_NS + 123n * MS);
    expect(c.mode).toBe("relative");
    // Receive jitter does not reach the stamps: 1327 µs later by the sensor, 3 ms later by the host.
    expect(c.stamp(1_001_327, 7n * HOUR_NS + 126n * MS)).toBe(t0 + 1_327_000n);
  });

  it("with PPS locked: the sensor's µs past the hour in the host's hour, continuous over the top of the hour", () => {
    const events: string[] = [];
    const c = clock(events);
    c.setPps("locked");
    const us1 = 3_599_999_000; // 10:59:59.999
    const t1 = c.stamp(us1, hostAt(us1));
    expect(c.mode).toBe("absolute");
    expect(t1).toBe(hour10 + BigInt(us1) * 1000n);
    // Next packet is past 11:00: µs past the hour wraps to 327, the stamp keeps increasing.
    const t2 = c.stamp(327, hostAt(3_600_000_327));
    expect(t2 - t1).toBe(1_327_000n);
    expect(t2).toBe(hour10 + HOUR_NS + 327_000n);
    // Host receive time already in the next hour while the sensor is still before it: nearest hour wins.
    const c2 = clock();
    c2.setPps("locked");
    expect(c2.stamp(3_599_999_900, hour10 + HOUR_NS + 2n * MS)).toBe(hour10 + 3_599_999_900_000n);
    expect(events).toEqual([]);
  });

  it("with PPS locked and receive times moved onto the host clock (stamps: now): the GPS time moves with them", () => {
    // Captured at 10:05:00 GPS, replayed at 14:40:00 on the host: 4 h 35 min later.
    const us = 300_000_000;
    const received = hour10 + BigInt(us) * 1000n + 5n * MS;
    const move = 4n * HOUR_NS + 35n * 60_000n * MS;
    const c = clock();
    c.setPps("locked");
    c.receiveMoveNs = move;
    expect(c.stamp(us, received + move)).toBe(hour10 + BigInt(us) * 1000n + move); // 14:40:00, not 15:05:00
    expect(c.offsetNs).toBe(-5n * MS); // the capture's receive latency, as recorded
    expect(c.stamp(us + 1327, received + move + 1_327_000n)).toBe(hour10 + BigInt(us + 1327) * 1000n + move);
    // In the hour of the moved receive time instead, the lidar would sit 25 min ahead of the host.
    const unmoved = clock();
    unmoved.setPps("locked");
    expect(unmoved.stamp(us, received + move) - (received + move)).toBe(25n * 60_000n * MS - 5n * MS);
  });

  it("re-anchors and reports a device clock jump beyond the threshold", () => {
    const events: string[] = [];
    const c = clock(events);
    const host0 = 1_000n * HOUR_NS;
    c.stamp(10_000_000, host0);
    expect(c.stamp(10_050_000, host0 + 50n * MS)).toBe(host0 + 50n * MS);
    // The sensor resets its clock: 2 s back while the host moved on by 1.3 ms.
    const t = c.stamp(8_051_327, host0 + 51n * MS + 327_000n);
    expect(t).toBe(host0 + 51n * MS + 327_000n); // re-anchored on this packet's receive time
    expect(c.jumps).toBe(1);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatch(/jumped -2000\.000 ms against the host clock.*re-anchored/);
    // Under the threshold: no re-anchor (drift of 50 ms).
    c.stamp(8_051_327 + 1_000_000, host0 + 51n * MS + 327_000n + 1_050n * MS);
    expect(c.jumps).toBe(1);
  });

  it("re-anchors when PPS locks, and says so", () => {
    const events: string[] = [];
    const c = clock(events);
    c.stamp(500_000, hostAt(500_000) + 40n * MS);
    expect(c.mode).toBe("relative");
    c.setPps("locked");
    const t = c.stamp(501_327, hostAt(501_327));
    expect(c.mode).toBe("absolute");
    expect(t).toBe(hour10 + 501_327_000n);
    expect(events).toEqual(["Velodyne PPS locked: time re-anchored to the sensor's GPS time"]);
  });

  it("host mode stamps with the receive time", () => {
    const c = new VelodyneClock({ source: "host", jumpThresholdNs: MS });
    expect(c.stamp(1, 42n)).toBe(42n);
    expect(c.mode).toBe("host");
  });
});
