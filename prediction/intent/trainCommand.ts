// `curb train intent`: runs prediction/intent/train_intent.py with the system Python (/usr/bin/python3,
// Debian's python3-torch); the only place curb uses Python. The exact command line goes into the card.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "./intentModel.ts";

export const PYTHON = "/usr/bin/python3";
export const TRAIN_SCRIPT = join(PROJECT_ROOT, "prediction/intent/train_intent.py");

export interface TrainOptions {
  data: string;
  out: string;
  val?: string;
  test?: string;
  epochs?: number;
  window?: number;
  batch?: number;
  seed?: number;
  noRaster?: boolean;
  /** false: no left-right mirrored training windows (default true). */
  mirror?: boolean;
  /** false: no Platt scaling on the validation set (default true). */
  calibrate?: boolean;
  /** Print the script's output (default true). */
  verbose?: boolean;
}

/** Why training cannot run here (no python, no torch or onnx), or undefined when it can. */
export function trainingUnavailable(): string | undefined {
  const r = spawnSync(PYTHON, ["-c", "import torch, onnx"], { encoding: "utf8" });
  if (r.error) return `${PYTHON} not found (${r.error.message})`;
  if (r.status !== 0) return `${PYTHON} cannot import torch and onnx (install Debian's python3-torch and python3-onnx): ${r.stderr.trim().split("\n").pop()}`;
  return undefined;
}

export function trainArgs(o: TrainOptions): string[] {
  const a = ["--data", o.data, "--out", o.out];
  if (o.val) a.push("--val", o.val);
  if (o.test) a.push("--test", o.test);
  if (o.epochs !== undefined) a.push("--epochs", String(o.epochs));
  if (o.window !== undefined) a.push("--window", String(o.window));
  if (o.batch !== undefined) a.push("--batch", String(o.batch));
  if (o.seed !== undefined) a.push("--seed", String(o.seed));
  if (o.noRaster) a.push("--no-raster");
  if (o.mirror === false) a.push("--no-mirror");
  if (o.calibrate === false) a.push("--no-calibrate");
  return a;
}

/** Runs the training script; resolves with its stdout, rejects with its stderr tail on failure. */
export function trainIntent(o: TrainOptions): Promise<string> {
  const why = trainingUnavailable();
  if (why) return Promise.reject(new Error(why));
  const args = trainArgs(o);
  const command = `curb train intent ${args.join(" ")}`;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(PYTHON, [TRAIN_SCRIPT, ...args, "--command", command], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PYTHONWARNINGS: "ignore", OMP_NUM_THREADS: "2" },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (o.verbose !== false) process.stderr.write(d);
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`training failed (exit ${code}): ${err.trim().split("\n").slice(-5).join(" | ")}`))));
  });
}
