// The ARS408 radar driver's state: CAN frames in (SocketCAN or a candump log), one
// curb.RadarObjectList per object-list cycle out, stamped with the CAN receive time of its 0x60A.
// Nothing a frame contains can make it throw; bad frames are counted on /diagnostics.
import { create } from "@bufbuild/protobuf";
import { type Bus, toTimestamp } from "../../../bus/index.ts";
import type { DiagnosticStatus } from "../../../bus/gen/curb/diagnostics_pb.ts";
import {
  CanFrameSchema,
  type RadarObjectList as RadarObjectListMsg,
  RadarObjectListSchema,
  RadarObjectSchema,
  type CanFrame as CanFrameMsg,
} from "../../../bus/gen/curb/sensors_pb.ts";
import { OBJ_CLASS, OBJ_DYN_PROP, SENSOR_ID_STRIDE } from "../../radar/ars408Messages.ts";
import { Ars408Decoder, encodeRadarConfiguration, type RadarObjectList, type RadarState } from "../../radar/Ars408Decoder.ts";
import { type CanFrame, parseCandumpLine } from "../../radar/candump.ts";
import { msBetween, wallClockNs } from "../clock.ts";
import type { RadarDriverConfig } from "../config.ts";
import { DriverHealth } from "../DriverHealth.ts";
import { type RadarObjectsTopic, sensorTopic } from "../sensorTopics.ts";

const OBJ_STATUS_ID = 0x60a;
const OBJ_FIRST_ID = 0x60a;
const OBJ_LAST_ID = 0x60e;
const DEG = Math.PI / 180;

export interface RadarDriverOptions {
  readonly log?: (message: string) => void;
  readonly now?: () => bigint;
}

export class RadarDriver {
  readonly health: DriverHealth;
  readonly decoder: Ars408Decoder;
  readonly topic: RadarObjectsTopic;
  cycles = 0;
  lastState: RadarState | undefined;
  private cycleFrames: CanFrameMsg[] = [];
  private prevMeasCounter: number | undefined;
  private lastStampNs: bigint | undefined;
  private readonly statusId: number;
  private readonly now: () => bigint;
  private readonly log: (message: string) => void;

  constructor(
    readonly config: RadarDriverConfig,
    private readonly bus: Pick<Bus, "publish">,
    options: RadarDriverOptions = {},
  ) {
    this.now = options.now ?? wallClockNs;
    this.log = options.log ?? (() => {});
    this.health = new DriverHealth(`radar/${config.name}`, BigInt(config.staleAfterMs) * 1_000_000n);
    this.topic = sensorTopic("radar", config.name, "objects") as RadarObjectsTopic;
    this.decoder = new Ars408Decoder({ sensorId: config.sensorId, expectQuality: config.expectQuality, expectExtended: config.expectExtended });
    this.statusId = OBJ_STATUS_ID + SENSOR_ID_STRIDE * config.sensorId;
  }

  /** The 0x200 RadarConfiguration frame from `configure`, or undefined when none is configured. */
  configurationFrame(): CanFrame | undefined {
    const c = this.config.configure;
    if (!c) return undefined;
    const r = encodeRadarConfiguration(c, this.config.sensorId);
    if (!r.ok) throw new Error(`radar/${this.config.name}: configure: ${r.error.message}`);
    return r.value;
  }

  /** One `candump -l` line (replay). Unparsable lines count as decode errors. Never throws. */
  onCandumpLine(line: string, fallbackNs: bigint): void {
    if (line.trim() === "") return;
    const r = parseCandumpLine(line);
    if (!r.ok) {
      this.health.input(this.now());
      this.health.decodeError(r.error);
      return;
    }
    this.onFrame(r.value, r.value.timestampNs ?? fallbackNs);
  }

  /** One CAN frame received at `receiveNs` (SocketCAN / candump time). Never throws. */
  onFrame(frame: CanFrame, receiveNs: bigint): void {
    const wallNs = this.now();
    this.health.input(wallNs);
    try {
      const stamped: CanFrame = frame.timestampNs === receiveNs ? frame : { ...frame, timestampNs: receiveNs };
      const base = frame.id - SENSOR_ID_STRIDE * this.config.sensorId;
      const objectFrame = !frame.extended && base >= OBJ_FIRST_ID && base <= OBJ_LAST_ID;
      const raw =
        this.config.rawFrames && objectFrame
          ? create(CanFrameSchema, { timestamp: toTimestamp(receiveNs), id: frame.id, extended: frame.extended, remote: frame.remote, data: frame.data })
          : undefined;
      const r = this.decoder.push(stamped);
      if (!r.ok) {
        this.health.decodeError(r.error);
        return;
      }
      const startsCycle = !frame.extended && frame.id === this.statusId;
      let framesOfList: CanFrameMsg[] | undefined;
      if (startsCycle) {
        framesOfList = this.cycleFrames; // a list emitted now is the previous, cut-short cycle
        this.cycleFrames = raw ? [raw] : [];
      } else if (raw) {
        this.cycleFrames.push(raw);
      }
      for (const ev of r.value) {
        if (ev.type === "objects") {
          const frames = startsCycle ? (framesOfList ?? []) : this.cycleFrames;
          if (!startsCycle) this.cycleFrames = [];
          this.publish(ev.list, frames, receiveNs, wallNs);
        } else if (ev.type === "state") {
          this.onState(ev.state);
        }
      }
    } catch (e) {
      this.health.decodeError({ code: "exception", message: e instanceof Error ? e.message : String(e) });
    }
  }

  /** Publishes the cycle in progress (end of input). */
  flush(): void {
    const list = this.decoder.flush();
    if (list) this.publish(list, this.cycleFrames, list.stampNs ?? this.lastStampNs ?? 0n, this.now());
    this.cycleFrames = [];
  }

  diagnostics(wallNs = this.now()): DiagnosticStatus {
    this.health.values.set("cycles", String(this.cycles));
    this.health.values.set("frames", String(this.decoder.frames));
    return this.health.report(this.lastStampNs ?? wallNs, wallNs);
  }

  private onState(s: RadarState): void {
    const first = this.lastState === undefined;
    const errs = Object.entries(s.errors).filter(([, v]) => v).map(([k]) => k);
    const before = this.lastState ? Object.entries(this.lastState.errors).filter(([, v]) => v).map(([k]) => k) : [];
    this.lastState = s;
    this.health.values.set("radar_errors", errs.join(",") || "none");
    this.health.values.set("radar_output_type", String(s.outputType));
    this.health.values.set("radar_max_distance_m", String(s.maxDistanceM));
    if (errs.join() !== before.join() && (errs.length > 0 || !first)) {
      const msg = `ARS408 ${this.config.name} reports errors: ${errs.join(", ") || "none (cleared)"}`;
      this.health.warn(msg);
      this.log(msg);
    }
  }

  private publish(list: RadarObjectList, frames: CanFrameMsg[], fallbackNs: bigint, inputWallNs: bigint): void {
    const stampNs = list.stampNs ?? fallbackNs;
    if (this.prevMeasCounter !== undefined) {
      const gap = (list.measCounter - this.prevMeasCounter + 0x10000) % 0x10000;
      if (gap > 1 && gap < 0x8000) this.health.drop(gap - 1);
    }
    this.prevMeasCounter = list.measCounter;
    const msg: RadarObjectListMsg = create(RadarObjectListSchema, {
      timestamp: toTimestamp(stampNs),
      frameId: this.config.name,
      sensorId: list.sensorId,
      measCounter: list.measCounter,
      interfaceVersion: list.interfaceVersion,
      announced: list.announced,
      complete: list.complete,
      objects: list.objects.map((o) =>
        create(RadarObjectSchema, {
          id: o.id,
          xM: o.distLongM,
          yM: o.distLatM,
          vxMps: o.vrelLongMps,
          vyMps: o.vrelLatMps,
          rcsDbm2: o.rcsDbm2,
          dynamicProperty: Math.max(0, OBJ_DYN_PROP.indexOf(o.dynProp)),
          probOfExist: o.quality ? o.quality.probOfExistMax : -1,
          objectClass: o.extended ? OBJ_CLASS.indexOf(o.extended.objClass) + 1 : 0,
          axMps2: o.extended?.arelLongMps2 ?? 0,
          ayMps2: o.extended?.arelLatMps2 ?? 0,
          orientationRad: (o.extended?.orientationDeg ?? 0) * DEG,
          lengthM: o.extended?.lengthM ?? 0,
          widthM: o.extended?.widthM ?? 0,
        }),
      ),
      frames,
    });
    this.bus.publish(this.topic, msg, stampNs);
    this.cycles++;
    this.lastStampNs = stampNs;
    this.health.published(this.topic, stampNs, msBetween(inputWallNs, this.now()));
  }
}
