import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { create, equals, type DescMessage } from "@bufbuild/protobuf";
import { firstValueFrom, take, toArray } from "rxjs";
import { XPublisher } from "zeromq";
import { afterEach, describe, expect, it } from "vitest";
import type { Envelope } from "../../bus/Bus.ts";
import { encodeMessage } from "../../bus/codec.ts";
import { DiagnosticStatus_Level } from "../../bus/gen/curb/diagnostics_pb.ts";
import { VehicleStateSchema } from "../../bus/gen/curb/vehicle_pb.ts";
import { InProcessBus } from "../../bus/InProcessBus.ts";
import { latestWins } from "../../bus/latestWins.ts";
import { TOPICS, type TopicName } from "../../bus/topics.ts";
import { encodeHeader, encodePublisherId } from "../../bus/wireFrame.ts";
import { ipcEndpointInUse } from "../../bus/ipcEndpointOwner.ts";
import { ZeroMqBus, type ZeroMqEndpoints } from "../../bus/ZeroMqBus.ts";
import { command, stampOf, tracks } from "./fixtures/messages.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const COUNT = 10_000;

const children: ChildProcess[] = [];
const socketFiles: string[] = [];
const buses: ZeroMqBus[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  for (const b of buses.splice(0)) await b.close();
  for (const f of socketFiles.splice(0)) rmSync(f, { force: true });
});

/** ipc endpoints unique to this test process and case (no randomness: pid + name). */
function ipcEndpoints(name: string): ZeroMqEndpoints {
  const base = join(tmpdir(), `curb-bus-${process.pid}-${name}`);
  socketFiles.push(`${base}.latest`, `${base}.lossless`);
  return { latest: `ipc://${base}.latest`, lossless: `ipc://${base}.lossless` };
}

const LOCAL_TCP: ZeroMqEndpoints = { latest: "tcp://127.0.0.1:*", lossless: "tcp://127.0.0.1:*" };

interface Fixture {
  result: Promise<Record<string, unknown>>;
  exit: Promise<number | null>;
}

/** Starts a fixture script in a real child process (node --import tsx) and reads its RESULT line. */
function startFixture(script: string, args: object): Fixture {
  const child = spawn(process.execPath, ["--import", "tsx", join(FIXTURES, script), JSON.stringify(args)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const result = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
      if (line) resolve(JSON.parse(line.slice("RESULT ".length)) as Record<string, unknown>);
    });
    void exit.then((code) => reject(new Error(`${script} exited (${code}) without RESULT\nstdout: ${stdout}\nstderr: ${stderr}`)));
  });
  return { result, exit };
}

async function openPair(
  topics: TopicName[],
  extra: { latestSendHighWaterMark?: number; latestReceiveHighWaterMark?: number } = {},
): Promise<{ pub: ZeroMqBus; sub: ZeroMqBus }> {
  const pub = await ZeroMqBus.open({ name: "pub", bind: LOCAL_TCP, ...extra });
  buses.push(pub);
  const sub = await ZeroMqBus.open({ name: "sub", connect: [pub.endpoints!], subscribe: topics });
  buses.push(sub);
  await pub.waitForSubscribers(topics);
  return { pub, sub };
}

describe("ZeroMqBus between two processes", () => {
  it("delivers 10,000 messages on a lossless topic, all and in order", async () => {
    const endpoints = ipcEndpoints("lossless");
    const common = { endpoints, topic: "/control/command", count: COUNT, publisherId: "fixture-pub" };
    // Subscriber first or publisher first does not matter: the publisher waits for the subscription.
    const publisher = startFixture("publisher.ts", common);
    const subscriber = startFixture("subscriber.ts", { ...common, sleepMs: 0, quietMs: 0 });
    const [pub, sub] = await Promise.all([publisher.result, subscriber.result]);
    expect(pub.sent).toBe(COUNT);
    expect(sub.received).toBe(COUNT);
    expect(sub.inOrder).toBe(true);
    expect(sub.lastIndex).toBe(COUNT - 1);
    expect(sub.dropped).toBe(0);
    expect(sub.decodeErrors).toBe(0);
    expect(await subscriber.exit).toBe(0);
    expect(await publisher.exit).toBe(0);
  });

  it("drops and counts on a latest topic for a slow subscriber, without holding up the publisher", async () => {
    const endpoints = ipcEndpoints("latest");
    const sleepMs = 2;
    const common = { endpoints, topic: "/perception/tracks", count: COUNT, publisherId: "fixture-pub" };
    const publisher = startFixture("publisher.ts", common);
    const subscriber = startFixture("subscriber.ts", { ...common, sleepMs, quietMs: 300 });
    const pub = await publisher.result;
    const sub = await subscriber.result;

    // The publisher finished all its sends although the subscriber needs sleepMs per message: a
    // publisher held to the subscriber's pace would need COUNT * sleepMs.
    expect(pub.sent).toBe(COUNT);
    expect(pub.burstMs as number).toBeLessThan(COUNT * sleepMs);
    expect(sub.receivedAtDone as number).toBeLessThan(COUNT);
    // Drops are seen as seq gaps, and with the tail after the last received message accounted,
    // every message is either received or counted as dropped.
    expect(sub.received as number).toBeGreaterThan(0);
    expect(sub.gapDropped as number).toBeGreaterThan(0);
    expect((sub.received as number) + (sub.dropped as number)).toBe(COUNT);
    expect(sub.inOrder).toBe(true);
    // ...and the drops are what /diagnostics reports.
    const diag = sub.diagnostics as { topics: { topic: string; received?: string; dropped?: string }[]; message: string };
    const tracksStatus = diag.topics.find((t) => t.topic === "/perception/tracks")!;
    expect(Number(tracksStatus.dropped)).toBe(sub.dropped);
    expect(Number(tracksStatus.received)).toBe(sub.received);
    expect(diag.message).toContain("dropped on /perception/tracks");
  });
});

describe("ZeroMqBus", { timeout: 15_000 }, () => {
  it("gives the same Envelope sequence as the InProcessBus for the same publishes", async () => {
    const lossless: TopicName[] = ["/control/command", "/vehicle/state"];
    // A send high-water mark above the burst size: nothing is dropped on the latest topic here.
    const { pub, sub } = await openPair([...lossless, "/perception/tracks"], { latestSendHighWaterMark: 1000, latestReceiveHighWaterMark: 1000 });
    const inProcess = new InProcessBus();

    const n = 50;
    const fromInProcess = firstValueFrom(inProcess.all().pipe(take(2 * n + n), toArray()));
    const fromLoopback = firstValueFrom(pub.all().pipe(take(3 * n), toArray()));
    const losslessRemote = firstValueFrom(sub.all().pipe(take(3 * n), toArray()));

    for (const bus of [inProcess, pub]) {
      for (let i = 0; i < n; i++) {
        bus.publish("/control/command", command(i), stampOf(i));
        bus.publish("/vehicle/state", create(VehicleStateSchema, { frameId: "map", speedMps: i }), stampOf(i) + 1n);
        bus.publish("/perception/tracks", tracks(i), stampOf(i) + 2n);
      }
    }
    const expected = await fromInProcess;
    const loopback = await fromLoopback;
    const remote = await losslessRemote;

    const same = (a: Envelope[], b: Envelope[]): void => {
      expect(a.map((e) => [e.topic, e.stampNs, e.seq])).toEqual(b.map((e) => [e.topic, e.stampNs, e.seq]));
      a.forEach((e, i) => expect(equals(TOPICS[e.topic].schema as DescMessage, e.message as never, b[i]!.message as never)).toBe(true));
    };
    // Locally (loopback) the order is the publish order, exactly as in process.
    same(loopback, expected);
    // Across processes lossless topics share one socket and keep their order; a latest topic has
    // its own socket, so only its order within the topic is kept.
    same(
      remote.filter((e) => e.topic !== "/perception/tracks"),
      expected.filter((e) => e.topic !== "/perception/tracks"),
    );
    same(
      remote.filter((e) => e.topic === "/perception/tracks"),
      expected.filter((e) => e.topic === "/perception/tracks"),
    );
  });

  it("counts a corrupt frame as a decode error and decodes the next good message", async () => {
    const raw = new XPublisher({ linger: 0 });
    await raw.bind("tcp://127.0.0.1:*");
    const endpoints = { latest: raw.lastEndpoint!, lossless: raw.lastEndpoint! };
    const sub = await ZeroMqBus.open({ name: "sub", connect: [endpoints], subscribe: ["/control/command"] });
    buses.push(sub);
    try {
      // Slow joiner: wait until the raw XPUB has seen the subscription.
      await raw.receive();
      const got = firstValueFrom(sub.topic("/control/command").pipe(take(1)));
      const topic = Buffer.from("/control/command");
      const id = encodePublisherId("raw");
      await raw.send([topic, encodeHeader(stampOf(0), 0, id), Uint8Array.of(0x0a, 0xff, 0x01)]); // bad protobuf
      await raw.send([topic, Uint8Array.of(1, 2, 3), encodeMessage("/control/command", command(1))]); // bad header
      await raw.send([topic, encodeHeader(stampOf(2), 2, id)]); // missing payload frame
      await raw.send([topic, encodeHeader(stampOf(3), 3, id), encodeMessage("/control/command", command(3))]);
      const e = await got;
      expect(e.seq).toBe(3);
      expect(e.stampNs).toBe(stampOf(3));
      expect(e.message.accelerationMps2).toBe(3);
      expect(sub.health.totalDecodeErrors).toBe(3);
      const status = sub.health.report(stampOf(3));
      expect(status.level).toBe(DiagnosticStatus_Level.ERROR);
      expect(status.message).toContain("3 decode errors on /control/command");
      // The bad-payload message had a valid header: it is neither received nor a drop. The two
      // frames without a usable header also leave a gap in seq (1 and 2), so they count as dropped.
      const counter = sub.health.counter("raw", "/control/command");
      expect(counter.received).toBe(1);
      expect(counter.dropped).toBe(2);
    } finally {
      raw.close();
    }
  });

  it("counts latest-wins consumer drops on /diagnostics next to transport drops", async () => {
    const { pub, sub } = await openPair(["/perception/tracks", "/diagnostics"]);
    const handled: number[] = [];
    const done = new Promise<void>((resolve) =>
      sub
        .topic("/perception/tracks")
        .pipe(
          latestWins(async (e) => {
            await new Promise((r) => setTimeout(r, 5));
            handled.push(e.seq);
            return e.seq;
          }, { onDrop: () => sub.health.recordConsumerDrop("/perception/tracks") }),
        )
        .subscribe((seq) => seq === 199 && resolve()),
    );
    for (let i = 0; i < 200; i++) pub.publish("/perception/tracks", tracks(i), stampOf(i));
    // The last message is always handled (it is the newest), unless the transport dropped it.
    await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
    const status = sub.publishDiagnostics(stampOf(200));
    const t = status.topics.find((s) => s.topic === "/perception/tracks")!;
    const h = sub.health.topics().find((s) => s.topic === "/perception/tracks")!;
    expect(h.consumerDropped).toBeGreaterThan(0);
    expect(Number(t.dropped)).toBe(h.consumerDropped + h.transportDropped);
    expect(Number(t.received)).toBe(h.received);
    // Everything the transport delivered was either handled or dropped by latestWins (or still waiting).
    expect(handled.length + h.consumerDropped).toBeLessThanOrEqual(h.received);
    expect(handled.length + h.consumerDropped).toBeGreaterThanOrEqual(h.received - 2);
    expect(pub.subscriberCount("/diagnostics")).toBe(1);
  });

  it("refuses to bind outside loopback and rejects unknown options", async () => {
    await expect(ZeroMqBus.open({ name: "x", bind: { latest: "tcp://0.0.0.0:5555", lossless: "tcp://127.0.0.1:*" } })).rejects.toThrow(
      /127\.0\.0\.1/,
    );
    await expect(ZeroMqBus.open({ name: "x", latestSendHwm: 3 } as never)).rejects.toThrow();
  });

  it("refuses an ipc endpoint another live process is bound to, and takes over one a killed process left", async () => {
    const endpoints = ipcEndpoints("owned");
    const first = await ZeroMqBus.open({ name: "first", bind: endpoints });
    buses.push(first);
    // libzmq alone would unlink first's socket file and bind: both would run, neither saying so.
    await expect(ZeroMqBus.open({ name: "second", bind: endpoints })).rejects.toThrow(
      `ZeroMqBus "second": another process (pid ${process.pid}) is bound to ${endpoints.latest} (a second run on the same bus folder?)`,
    );
    const lockFile = `${endpoints.lossless.slice("ipc://".length)}.lock`;
    expect(readFileSync(lockFile, "utf8")).toMatch(new RegExp(`^${process.pid} `)); // the first's lock, not taken by the refused one
    const sub = await ZeroMqBus.open({ name: "sub", connect: [endpoints], subscribe: ["/control/command"] });
    buses.push(sub);
    await first.waitForSubscribers(["/control/command"], { timeoutMs: 5000 });
    const got = firstValueFrom(sub.topic("/control/command"));
    first.publish("/control/command", command(7), stampOf(7));
    expect((await got).seq).toBe(0); // the first bus still serves its subscribers

    // A process killed while bound leaves its socket files behind: connecting is refused, so they are stale.
    const stale = ipcEndpoints("stale");
    const path = stale.latest.slice("ipc://".length);
    const holder = spawn(process.execPath, ["-e", `require("net").createServer().listen(${JSON.stringify(path)}, () => console.log("listening"))`], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(holder);
    await new Promise((resolve) => holder.stdout!.once("data", resolve));
    expect(await ipcEndpointInUse(path)).toBe(true);
    holder.kill("SIGKILL");
    await new Promise((resolve) => holder.once("exit", resolve));
    expect(statSync(path).isSocket()).toBe(true);
    expect(await ipcEndpointInUse(path)).toBe(false);
    const next = await ZeroMqBus.open({ name: "next", bind: stale });
    expect(next.endpoints).toEqual(stale);
    await next.close();
    expect(existsSync(`${path}.lock`)).toBe(false); // released on close

    // Another listener on the socket without a curb lock (a foreign program) is still refused.
    const foreign = ipcEndpoints("foreign");
    const fpath = foreign.latest.slice("ipc://".length);
    const listener = spawn(process.execPath, ["-e", `require("net").createServer().listen(${JSON.stringify(fpath)}, () => console.log("listening"))`], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(listener);
    await new Promise((resolve) => listener.stdout!.once("data", resolve));
    await expect(ZeroMqBus.open({ name: "third", bind: foreign })).rejects.toThrow(`ZeroMqBus "third": another process is bound to ${foreign.latest}`);
    expect(existsSync(`${fpath}.lock`)).toBe(false); // the refused bus leaves no lock behind
    expect(await ipcEndpointInUse(join(tmpdir(), `curb-bus-${process.pid}-absent`))).toBe(false);
  });

  it("waitForSubscribers rejects with the counts it has after the timeout", async () => {
    const pub = await ZeroMqBus.open({ name: "lonely", bind: LOCAL_TCP });
    buses.push(pub);
    await expect(pub.waitForSubscribers(["/control/command"], { timeoutMs: 50 })).rejects.toThrow(/\/control\/command: 0/);
    const pending = pub.waitForSubscribers(["/control/command"], { timeoutMs: 60_000 });
    await pub.close();
    await expect(pending).rejects.toThrow(/closed/);
  });

  it("closes cleanly: observables complete and lossless messages queued before close() are sent", async () => {
    const { pub, sub } = await openPair(["/control/command"]);
    const all = firstValueFrom(sub.topic("/control/command").pipe(take(1000), toArray()));
    for (let i = 0; i < 1000; i++) pub.publish("/control/command", command(i), stampOf(i));
    await pub.close();
    expect((await all).map((e) => e.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const completed = new Promise<boolean>((resolve) => sub.topic("/control/command").subscribe({ complete: () => resolve(true) }));
    await sub.close();
    expect(await completed).toBe(true);
    expect(() => pub.publish("/control/command", command(0), 0n)).toThrow(/after close/);
  });
});
