import { describe, expect, it } from "vitest";
import { BusHealth } from "../../bus/BusHealth.ts";
import { DropCounter } from "../../bus/DropCounter.ts";
import { DiagnosticStatus_Level } from "../../bus/gen/curb/diagnostics_pb.ts";
import { decodeHeader, encodeHeader, encodePublisherId, HEADER_FIXED_BYTES, WireFormatError } from "../../bus/wireFrame.ts";

const MS = 1_000_000n;

describe("DropCounter", () => {
  it("counts gaps in seq as drops, from the first message seen", () => {
    const c = new DropCounter();
    expect(c.observe(5, 0n)).toBe(0); // joined late: 0..4 are not drops
    expect(c.observe(6, 100n * MS)).toBe(0);
    expect(c.observe(9, 200n * MS)).toBe(2);
    expect(c.observe(10, 300n * MS)).toBe(0);
    expect([c.received, c.dropped, c.lastSeq]).toEqual([4, 2, 10]);
  });

  it("treats seq going backwards as a publisher restart, not a drop", () => {
    const c = new DropCounter();
    c.observe(100, 0n);
    c.observe(0, 1n);
    c.observe(1, 2n);
    expect([c.received, c.dropped, c.resets]).toEqual([3, 0, 1]);
  });

  it("accounts the tail the publisher reports", () => {
    const c = new DropCounter();
    c.observe(0, 0n);
    c.observe(3, 1n);
    expect(c.accountUpTo(9)).toBe(6);
    expect(c.received + c.dropped).toBe(10);
    expect(c.accountUpTo(9)).toBe(0);
  });

  it("skips an undecodable message without counting it as received or dropped", () => {
    const c = new DropCounter();
    c.observe(0, 0n);
    c.skip(1);
    c.observe(2, 2n);
    expect([c.received, c.dropped]).toEqual([2, 0]);
  });

  it("estimates the rate from sensor stamps over the recent window", () => {
    const c = new DropCounter();
    expect(c.rateHz).toBe(0);
    for (let i = 0; i < 100; i++) c.observe(i, BigInt(i) * 100n * MS); // 10 Hz
    expect(c.rateHz).toBeCloseTo(10, 9);
    for (let i = 100; i < 200; i++) c.observe(i, 9_900n * MS + BigInt(i - 99) * 50n * MS); // then 20 Hz
    expect(c.rateHz).toBeCloseTo(20, 9);
  });
});

describe("BusHealth", () => {
  it("reports received, dropped, rate and stale per topic on a DiagnosticStatus", () => {
    const h = new BusHealth("planner");
    h.expect("/vehicle/state");
    for (let i = 0; i < 10; i++) if (i !== 4) h.observe("a", "/perception/tracks", i, BigInt(i) * 100n * MS);
    for (let i = 0; i < 5; i++) h.observe("b", "/perception/tracks", i, BigInt(i) * 100n * MS);
    h.recordConsumerDrop("/perception/tracks", 3);

    const s = h.report(1_000n * MS, 1.5);
    expect(s.name).toBe("planner");
    expect(s.latencyMs).toBe(1.5);
    const tracks = s.topics.find((t) => t.topic === "/perception/tracks")!;
    expect(tracks.received).toBe(14n);
    expect(tracks.dropped).toBe(4n); // 1 seq gap + 3 consumer drops
    expect(tracks.stale).toBe(false);
    const state = s.topics.find((t) => t.topic === "/vehicle/state")!;
    expect(state.stale).toBe(true); // expected, never received, declared 10 Hz
    expect(s.level).toBe(DiagnosticStatus_Level.STALE);
    expect(s.values.find((v) => v.key === "consumer_dropped:/perception/tracks")?.value).toBe("3");
    expect(s.values.find((v) => v.key === "transport_dropped:/perception/tracks")?.value).toBe("1");
  });

  it("with timed arrivals, calls a topic stale when nothing arrived lately, whatever its stamps", () => {
    const h = new BusHealth("drive");
    const recorded = 1_415_644_617_000_000_000n; // a 2014 candump replayed today keeps its stamps
    const now = 1_796_304_163_000_000_000n;
    for (let i = 0; i < 20; i++) {
      h.observe("radar", "/sensors/radar/front_radar/objects", i, recorded + BigInt(i) * 72n * MS);
      h.arrived("/sensors/radar/front_radar/objects", now + BigInt(i) * 72n * MS);
    }
    const arriving = h.report(now + 20n * 72n * MS).topics.find((t) => t.topic === "/sensors/radar/front_radar/objects")!;
    expect(arriving.stale).toBe(false); // by stamp it would be 12 years stale
    expect(arriving.rateHz).toBeCloseTo(1000 / 72, 6); // the rate still comes from the stamps
    const silent = h.report(now + 20n * 72n * MS + 5_000n * MS); // 5 s without an arrival: far beyond 10 periods of 13.9 Hz
    expect(silent.level).toBe(DiagnosticStatus_Level.STALE);
    expect(silent.message).toContain("/sensors/radar/front_radar/objects stale");
  });

  it("raises the level on what changed since the previous report", () => {
    const h = new BusHealth("n");
    h.observe("a", "/control/command", 0, 0n);
    h.observe("a", "/control/command", 2, 100n * MS);
    expect(h.report(200n * MS).level).toBe(DiagnosticStatus_Level.WARN);
    h.observe("a", "/control/command", 3, 200n * MS);
    expect(h.report(300n * MS).level).toBe(DiagnosticStatus_Level.OK);
    h.recordDecodeError("/control/command", "bad bytes");
    const s = h.report(300n * MS);
    expect(s.level).toBe(DiagnosticStatus_Level.ERROR);
    expect(s.values.find((v) => v.key === "last_error")?.value).toContain("bad bytes");
  });
});

describe("wire header", () => {
  it("round-trips stamp, seq and publisher id", () => {
    const bytes = encodeHeader(-5n, 123_456_789_012, encodePublisherId("perception:42"));
    expect(bytes.length).toBe(HEADER_FIXED_BYTES + "perception:42".length);
    expect(decodeHeader(bytes)).toEqual({ stampNs: -5n, seq: 123_456_789_012, publisherId: "perception:42" });
    // A view into a larger buffer decodes the same.
    const big = new Uint8Array(bytes.length + 7);
    big.set(bytes, 7);
    expect(decodeHeader(big.subarray(7)).seq).toBe(123_456_789_012);
  });

  it("rejects short, truncated and unknown-version headers with a clear message", () => {
    const ok = encodeHeader(1n, 1, encodePublisherId("p"));
    expect(() => decodeHeader(ok.subarray(0, 10))).toThrow(/expected at least 24 bytes, got 10/);
    expect(() => decodeHeader(ok.subarray(0, ok.length - 1))).toThrow(WireFormatError);
    const v2 = ok.slice();
    v2[0] = 2;
    expect(() => decodeHeader(v2)).toThrow(/unknown wire version 2/);
    expect(() => encodePublisherId("")).toThrow();
  });
});
