// `curb` command line: parses arguments and hands over to the folder that does the work.
import { Command, InvalidArgumentError, Option } from "commander";
import { resolve } from "node:path";

function seedArg(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) throw new InvalidArgumentError("a seed is an integer in [0, 4294967295]");
  return Number(value);
}

const program = new Command()
  .name("curb")
  .description("Autonomous-driving perception and pedestrian-intent pipeline: closed-loop simulation, logs, metrics")
  .showHelpAfterError();

program
  .command("sim")
  .description("run a closed-loop simulation of one scenario or a whole suite; writes run.mcap, metrics.json and report.html per scenario")
  .addOption(new Option("--scenario <name>", "one scenario (see `curb scenarios`)").conflicts("suite"))
  .addOption(new Option("--suite <name>", "a scenario suite, e.g. default"))
  .option("--seed <n>", "random seed", seedArg, 1)
  .option("--out <dir>", "output folder", "out/sim")
  .option("--config <file>", "stack parameters (YAML or JSON), validated; see sim/README.md")
  .action(async (opts: { scenario?: string; suite?: string; seed: number; out: string; config?: string }) => {
    const { runSimCommand } = await import("../sim/index.ts");
    if (!opts.scenario && !opts.suite) throw new InvalidArgumentError("give --scenario NAME or --suite NAME (see `curb scenarios`)");
    const failed = await runSimCommand({ ...opts, out: resolve(opts.out) });
    process.exitCode = failed ? 1 : 0;
  });

program
  .command("scenarios")
  .description("list the scenario suites and their scenarios")
  .action(async () => {
    const { SUITES } = await import("../sim/index.ts");
    for (const [suite, scenarios] of Object.entries(SUITES)) {
      console.log(`${suite}:`);
      for (const s of scenarios) console.log(`  ${s.name.padEnd(24)} ${s.description}`);
    }
  });

program
  .command("bench")
  .description("benchmark the object-level simulation and the stack; prints JSON (speed vs real time, per-stage latency percentiles)")
  .option("--suite <name>", "scenario suite", "default")
  .option("--seed <n>", "random seed", seedArg, 1)
  .action(async (opts: { suite: string; seed: number }) => {
    const { runBenchmark } = await import("../sim/index.ts");
    console.log(JSON.stringify(await runBenchmark(opts), null, 2));
  });

program
  .command("dataset")
  .description("intent training data: every scenario of a suite × N seeds through the closed loop, pedestrian BEV raster sequences + labels (see sim/dataset/README.md)")
  .requiredOption("--suite <name>", "scenario suite, e.g. default, train, val, test")
  .option("--variants <n>", "seeds per scenario", (v) => Number.parseInt(v, 10), 10)
  .option("--seed-base <n>", "first seed", seedArg, 1)
  .addOption(new Option("--variation <kind>", "per-seed variation: the suite's own, or widened").choices(["suite", "wide"]).default("suite"))
  .option("--scenarios <names>", "comma-separated subset of the suite")
  .requiredOption("--out <dir>", "output folder")
  .action(async (opts: { suite: string; variants: number; seedBase: number; variation: "suite" | "wide"; scenarios?: string; out: string }) => {
    const { buildDataset } = await import("../sim/index.ts");
    const header = await buildDataset({ ...opts, scenarios: opts.scenarios?.split(",") });
    console.log(JSON.stringify(header.manifest, null, 2));
  });

program
  .command("replay")
  .description("feed a recorded log back: onto the ZeroMQ bus at a rate, or (--rerun) through the stack, diffing its outputs against the log")
  .argument("<log>", "an MCAP log written by curb")
  .option("--rerun", "re-run the stack on the log's recorded inputs and report which outputs differ (exit 1 if any)")
  .option("--config <file>", "with --rerun: stack parameters (YAML or JSON) to try on the recorded drive")
  .option("--rate <r>", "multiple of real time, or 'max'", "1")
  .option("--bind <endpoints>", "ZeroMQ endpoints to publish on: LATEST,LOSSLESS", "tcp://127.0.0.1:5556,tcp://127.0.0.1:5557")
  .action(async (log: string, opts: { rerun?: boolean; config?: string; rate: string; bind: string }) => {
    const { rerunStack, playLog } = await import("../replay/index.ts");
    if (opts.rerun) {
      const { loadStackParams } = await import("../sim/index.ts");
      const result = await rerunStack(resolve(log), opts.config ? loadStackParams(opts.config) : {});
      console.log(JSON.stringify(result, null, 2));
      process.exitCode = result.identical ? 0 : 1;
      return;
    }
    const rate = opts.rate === "max" ? Infinity : Number(opts.rate);
    if (!(rate > 0)) throw new InvalidArgumentError(`--rate must be a positive number or 'max', got ${opts.rate}`);
    const [latest, lossless] = opts.bind.split(",");
    if (!latest || !lossless) throw new InvalidArgumentError("--bind takes two endpoints: LATEST,LOSSLESS");
    const { ZeroMqBus } = await import("../bus/index.ts");
    const bus = await ZeroMqBus.open({ name: "replay", bind: { latest, lossless } });
    const abort = new AbortController();
    process.once("SIGINT", () => abort.abort());
    process.once("SIGTERM", () => abort.abort());
    const result = await playLog(resolve(log), bus, { rate, signal: abort.signal });
    await bus.close();
    console.log(JSON.stringify(result));
  });

const train = program.command("train").description("train a model (calls /usr/bin/python3 with PyTorch; see prediction/intent/README.md)");
train
  .command("intent")
  .description("train the pedestrian intent CNN+GRU on a `curb dataset` folder; writes X.onnx, X.step.onnx and X.card.json")
  .requiredOption("--data <dir>", "training dataset")
  .option("--val <dir>", "validation dataset (default: last 20% of the training seeds)")
  .option("--test <dir>", "held-out test dataset (metrics into the card)")
  .option("--out <file>", "model path", "models/intent.onnx")
  .option("--epochs <n>", "epochs", (v) => Number.parseInt(v, 10))
  .option("--window <n>", "training window, frames", (v) => Number.parseInt(v, 10))
  .option("--seed <n>", "training seed", seedArg)
  .option("--no-raster", "kinematic features only (the GRU baseline)")
  .action(async (opts: { data: string; val?: string; test?: string; out: string; epochs?: number; window?: number; seed?: number; raster: boolean }) => {
    const { trainIntent } = await import("../prediction/index.ts");
    const out = await trainIntent({ ...opts, noRaster: !opts.raster });
    console.log(out.trim().split("\n").pop());
  });

program
  .command("log")
  .description("inspect a recorded log")
  .command("info")
  .argument("<file>", "an MCAP log")
  .description("per-topic message counts, time range and schemas")
  .action(async (file: string) => {
    const { logInfo } = await import("../replay/index.ts");
    console.log(JSON.stringify(await logInfo(resolve(file)), (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2));
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`curb: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
