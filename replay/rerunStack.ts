// Process replay (openpilot's selfdrive/test/process_replay): feed a log's recorded inputs through
// the stack again and diff what it publishes against what the log holds. Unchanged code gives no
// difference; a change shows exactly which outputs moved, and from when.
import { type Envelope, InProcessBus, type msg, type TopicName } from "../bus/index.ts";
import { STACK_NODE_NAMES, StackParamsSchema, startStack, type StackParamsInput } from "../planning/index.ts";
import { settleAsyncWork } from "../prediction/index.ts";
import { LogReader } from "./LogReader.ts";
import { MCAP_METADATA_NAME } from "./McapRecorder.ts";
import { comparablePayload } from "./comparablePayload.ts";

/** What the stack consumes, in the order a frame publishes them when stamps are equal. */
export const STACK_INPUTS: readonly TopicName[] = ["/map", "/tf", "/vehicle/state", "/sim/ground_truth"];
/** What the stack produces. */
export const STACK_OUTPUTS: readonly TopicName[] = [
  "/perception/detections",
  "/perception/tracks",
  "/prediction/agents",
  "/planning/trajectory",
  "/control/command",
  "/diagnostics",
];

/** Key, in the log's "curb" metadata record, of the stack parameters the drive ran with (JSON). */
export const STACK_PARAMS_METADATA_KEY = "stack_params";

export interface TopicDiff {
  topic: string;
  logged: number;
  replayed: number;
  /** Messages (by index) whose comparable payload differs. */
  different: number;
  /** Stamp of the first difference (ns, as a decimal string), or null. */
  firstDifferenceNs: string | null;
}

export interface RerunResult {
  log: string;
  /** Where the stack parameters came from: the log's record of its drive, the caller, or the defaults (an older log records none). */
  stackParams: "recorded" | "recorded+given" | "given" | "defaults";
  inputMessages: number;
  simSeconds: number;
  wallSeconds: number;
  realTimeFactor: number;
  identical: boolean;
  topics: TopicDiff[];
}

const inputRank = new Map(STACK_INPUTS.map((t, i) => [t as string, i]));

const stackNodes = new Set(STACK_NODE_NAMES);
/** A sensor drive's log also holds the drivers' /diagnostics, which the stack does not reproduce. */
function isStackOutput(e: Envelope): boolean {
  return e.topic !== "/diagnostics" || stackNodes.has((e.message as msg.DiagnosticStatus).name);
}

/**
 * The stack parameters a log's drive ran with (`curb sim` records them), or undefined when the log
 * records none. A record that no longer validates (a parameter renamed since) is refused, naming it.
 */
export function recordedStackParams(path: string, metadata: Readonly<Record<string, Readonly<Record<string, string>>>>): StackParamsInput | undefined {
  const text = metadata[MCAP_METADATA_NAME]?.[STACK_PARAMS_METADATA_KEY];
  if (text === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: its recorded ${STACK_PARAMS_METADATA_KEY} are not JSON (${(error as Error).message}); give the parameters with --config`);
  }
  const parsed = StackParamsSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`).join("; ");
    throw new Error(`${path}: its recorded ${STACK_PARAMS_METADATA_KEY} do not fit this stack (${issues}); give the parameters with --config`);
  }
  return parsed.data;
}

/** `top` laid over `base`, section by section and key by key (arrays and values replaced whole). */
export function overlayParams<T>(base: T, top: unknown): T {
  const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isPlain(base) || !isPlain(top)) return (top === undefined ? base : top) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(top)) out[k] = overlayParams(base[k], v);
  return out as T;
}

export interface RerunOptions {
  /**
   * "recorded": `stackParams` change the drive's recorded parameters (the question "this drive, with
   * that changed"); "defaults" (the default): they are the whole parameter set, over the defaults.
   */
  over?: "recorded" | "defaults";
}

/**
 * Re-runs the stack on the log's recorded inputs. Without `stackParams` it runs with the parameters
 * the log records (so an unchanged checkout reproduces the drive), or the defaults if it records none.
 */
export async function rerunStack(logPath: string, stackParams?: StackParamsInput, options: RerunOptions = {}): Promise<RerunResult> {
  const overRecorded = options.over === "recorded" && stackParams !== undefined;
  const reader = await LogReader.open(logPath);
  const inputs: Envelope[] = [];
  const logged = new Map<string, Envelope[]>(STACK_OUTPUTS.map((t) => [t, []]));
  let recorded: StackParamsInput | undefined;
  try {
    if (!stackParams || overRecorded) recorded = recordedStackParams(logPath, reader.info().metadata);
    for await (const e of reader.messages({ topics: [...STACK_INPUTS, ...STACK_OUTPUTS] })) {
      if (inputRank.has(e.topic)) inputs.push(e);
      else if (isStackOutput(e)) logged.get(e.topic)?.push(e);
    }
  } finally {
    await reader.close();
  }
  if (!inputs.some((e) => e.topic === "/sim/ground_truth")) {
    throw new Error(`${logPath}: no /sim/ground_truth to replay (the stack's perception input)`);
  }
  // Same stamp ⇒ the order a live frame publishes in, whatever order the file stored them in.
  inputs.sort((a, b) => (a.stampNs < b.stampNs ? -1 : a.stampNs > b.stampNs ? 1 : inputRank.get(a.topic)! - inputRank.get(b.topic)!));

  const params = overRecorded ? overlayParams(recorded ?? {}, stackParams) : (stackParams ?? recorded ?? {});
  const checked = StackParamsSchema.safeParse(params);
  if (!checked.success) throw new Error(`${logPath}: the parameters to rerun with do not validate (${checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")})`);
  const bus = new InProcessBus();
  const replayed = new Map<string, Envelope[]>(STACK_OUTPUTS.map((t) => [t, []]));
  const sub = bus.all().subscribe((e) => replayed.get(e.topic)?.push(e));
  const stack = startStack(bus, params);
  const wallStart = performance.now();
  try {
    for (const e of inputs) {
      bus.publish(e.topic, e.message as never, e.stampNs);
      // As in the closed loop: asynchronous stages (ONNX intent inference) finish a frame before the next input.
      if (e.topic === "/sim/ground_truth") await settleAsyncWork(bus);
    }
    await settleAsyncWork(bus);
  } finally {
    stack.stop();
    sub.unsubscribe();
    await bus.close();
  }
  const wallSeconds = (performance.now() - wallStart) / 1000;

  const topics = STACK_OUTPUTS.map((topic): TopicDiff => {
    const a = logged.get(topic)!;
    const b = replayed.get(topic)!;
    let different = Math.abs(a.length - b.length);
    let first: bigint | null = null;
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const x = comparablePayload(a[i]);
      const y = comparablePayload(b[i]);
      if (a[i].stampNs !== b[i].stampNs || x.length !== y.length || !x.every((byte, k) => byte === y[k])) {
        different += 1;
        first ??= a[i].stampNs;
      }
    }
    if (first === null && a.length !== b.length) first = (a[Math.min(a.length, b.length)] ?? b[Math.min(a.length, b.length)]).stampNs;
    return { topic, logged: a.length, replayed: b.length, different, firstDifferenceNs: first === null ? null : first.toString() };
  });
  const simSeconds = Number(inputs[inputs.length - 1].stampNs - inputs[0].stampNs) / 1e9;
  return {
    log: logPath,
    stackParams: overRecorded && recorded ? "recorded+given" : stackParams ? "given" : recorded ? "recorded" : "defaults",
    inputMessages: inputs.length,
    simSeconds,
    wallSeconds,
    realTimeFactor: wallSeconds > 0 ? Math.round((simSeconds / wallSeconds) * 10) / 10 : Infinity,
    identical: topics.every((t) => t.different === 0),
    topics,
  };
}
