// The CAN layer under the radar driver: one small interface, three implementations.
//  - InMemoryCanBus: frames between transports in one process (tests, simulation).
//  - CanUtilsTransport: live SocketCAN through Debian's can-utils (`candump -L <if>` for receive
//    with kernel timestamps, `cansend` for transmit): no native npm module to build.
//  - candump log files are replayed by sources.ts (they are text, not a transport).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { type CanFrame, parseCandumpLine } from "../../radar/candump.ts";
import { wallClockNs } from "../clock.ts";

export interface CanTransport {
  /** Every frame received from now on; `timestampNs` is the receive time. */
  onFrame(handler: (frame: CanFrame) => void): void;
  /** Lines that did not parse (live candump output), for the driver's error count. */
  onBadInput?(handler: (line: string) => void): void;
  send(frame: CanFrame): Promise<void>;
  /** Resolves when the transport stops (close() or the interface went away: then rejects). */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

/** A CAN bus in memory: a frame sent by one attached transport reaches every other one. */
export class InMemoryCanBus {
  private readonly members = new Set<InMemoryCanTransport>();
  constructor(private readonly now: () => bigint = wallClockNs) {}

  attach(): InMemoryCanTransport {
    const t = new InMemoryCanTransport(this, () => this.members.delete(t));
    this.members.add(t);
    return t;
  }

  /** Delivers a frame to every member but `from`, stamped with the bus time. */
  deliver(frame: CanFrame, from?: InMemoryCanTransport): void {
    const stamped = { ...frame, timestampNs: frame.timestampNs ?? this.now() };
    for (const m of this.members) if (m !== from) m.receive(stamped);
  }
}

export class InMemoryCanTransport implements CanTransport {
  readonly sent: CanFrame[] = [];
  private readonly handlers: ((frame: CanFrame) => void)[] = [];
  private finish!: () => void;
  readonly done = new Promise<void>((r) => (this.finish = r));

  constructor(
    private readonly bus: InMemoryCanBus,
    private readonly detach: () => void,
  ) {}

  onFrame(handler: (frame: CanFrame) => void): void {
    this.handlers.push(handler);
  }

  receive(frame: CanFrame): void {
    for (const h of this.handlers) h(frame);
  }

  async send(frame: CanFrame): Promise<void> {
    this.sent.push(frame);
    this.bus.deliver({ ...frame, timestampNs: undefined }, this);
  }

  async close(): Promise<void> {
    this.detach();
    this.finish();
  }
}

/** Payload bytes as cansend wants them ("0102AB"). */
export function hexData(data: Uint8Array): string {
  return Array.from(data, (b) => b.toString(16).toUpperCase().padStart(2, "0")).join("");
}

/** Live SocketCAN via can-utils. Receive times are the kernel's (candump -L prints them). */
export class CanUtilsTransport implements CanTransport {
  readonly done: Promise<void>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly handlers: ((frame: CanFrame) => void)[] = [];
  private readonly badHandlers: ((line: string) => void)[] = [];
  private closing = false;

  constructor(readonly iface: string) {
    this.child = spawn("candump", ["-L", iface], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    this.child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      const r = parseCandumpLine(line);
      if (r.ok) {
        for (const h of this.handlers) h(r.value.timestampNs === undefined ? { ...r.value, timestampNs: wallClockNs() } : r.value);
      } else {
        for (const h of this.badHandlers) h(line);
      }
    });
    this.done = new Promise((resolve, reject) => {
      this.child.on("error", (e) => reject(new Error(`candump (can-utils) could not start: ${e.message}; install the Debian package can-utils`)));
      // "close", not "exit": after stdout and stderr are drained, so the last frames are delivered and
      // the error carries what candump said (on "exit" its stderr may not have been read yet).
      this.child.on("close", (code, signal) => {
        if (this.closing) resolve();
        else reject(new Error(`candump -L ${iface} exited (${code ?? signal}): ${stderr.trim() || "no output"}`));
      });
    });
  }

  onFrame(handler: (frame: CanFrame) => void): void {
    this.handlers.push(handler);
  }

  onBadInput(handler: (line: string) => void): void {
    this.badHandlers.push(handler);
  }

  send(frame: CanFrame): Promise<void> {
    const id = frame.id.toString(16).toUpperCase().padStart(frame.extended ? 8 : 3, "0");
    const arg = `${id}#${frame.remote ? "R" : hexData(frame.data)}`;
    return new Promise((resolve, reject) => {
      const p = spawn("cansend", [this.iface, arg], { stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      p.stderr.on("data", (d: Buffer) => (err += d.toString()));
      p.on("error", (e) => reject(new Error(`cansend (can-utils) could not start: ${e.message}`)));
      p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`cansend ${this.iface} ${arg} failed (${code}): ${err.trim()}`))));
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    this.child.kill("SIGTERM");
    await this.done.catch(() => {});
  }
}
