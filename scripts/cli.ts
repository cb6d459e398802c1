// `curb` command line: parses arguments and hands over to the folder that does the work.
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { LogGap } from "../replay/index.ts";

function seedArg(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) throw new InvalidArgumentError("a seed is an integer in [0, 4294967295]");
  return Number(value);
}

/** A parser for a count: a whole number ≥ min (parseInt alone reads "abc" as NaN and "1.5" as 1). */
function countArg(min: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > 1e6) throw new InvalidArgumentError(`a whole number from ${min} to 1000000`);
    return Number(value);
  };
}

/** A log's chunk size: bytes, or `live` for the drivers' (LIVE_CHUNK_SIZE). */
function chunkSizeArg(value: string): number | "live" {
  if (value === "live") return value;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 2 ** 31) throw new InvalidArgumentError("a whole number of bytes from 1 to 2147483648, or live");
  return Number(value);
}

// `curb scenarios | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const program = new Command()
  .name("curb")
  .description("Autonomous-driving perception and pedestrian-intent pipeline: closed-loop simulation, logs, metrics")
  .showHelpAfterError()
  .exitOverride() // every command: a usage error exits 2 like any other refused input, not 1 (a finding)
  .addHelpText("after", `
Exit status: 0 done; 1 done, and it found a problem (sim: a pedestrian collision; replay --rerun: an
output differs from the log; compare: the candidate is worse); 2 the command could not run (a bad option, a bad input file, an error);
130 sim interrupted (Ctrl-C), saying what is on disk.`);

program
  .command("sim")
  .description("run a closed-loop simulation of one scenario or a whole suite; writes run.mcap, metrics.json and report.html per scenario; exits 1 if any pedestrian was hit")
  .addOption(new Option("--scenario <name>", "one scenario (see `curb scenarios`)").conflicts("suite"))
  .addOption(new Option("--suite <name>", "a scenario suite: default, train, val or test"))
  .addOption(new Option("--scenario-file <path>", "a scenario file (YAML or JSON, see sim/scenarios/README.md); --seed draws its random values").conflicts(["scenario", "suite"]))
  .option("--seed <n>", "random seed", seedArg, 1)
  .option("--out <dir>", "output folder", "out/sim")
  .option("--config <file>", "stack parameters (YAML or JSON), validated; see sim/README.md")
  .option("--sensors <kinds>", "simulate the rig's sensors in their wire formats, through the drivers: lidar,radar,camera (or 'all')")
  .action(async (opts: { scenario?: string; suite?: string; scenarioFile?: string; seed: number; out: string; config?: string; sensors?: string }) => {
    const { runSimCommand, parseSensorKinds } = await import("../sim/index.ts");
    if (!opts.scenario && !opts.suite && !opts.scenarioFile) throw new Error("give --scenario NAME, --suite NAME or --scenario-file PATH (see `curb scenarios`)");
    const failed = await runSimCommand({ ...opts, out: resolve(opts.out), sensors: opts.sensors ? parseSensorKinds(opts.sensors) : undefined });
    process.exitCode = failed ? 1 : 0;
  });

program
  .command("compare")
  .argument("<base>", "a `curb sim --out` folder (or its suite.json): the stack to compare against")
  .argument("<candidate>", "another run of the same scenarios and seed, with the changed stack")
  .description("pair two runs of the same scenarios and say whether the candidate is safer: scenarios with collisions, close calls, hard brakes (exact McNemar), per-scenario means (paired bootstrap), the scenarios it made worse; exits 1 if it is worse")
  .option("--top <n>", "how many of the worst scenarios to list", countArg(0), 10)
  .option("--json", "print the comparison as JSON (for scripts)")
  .action(async (base: string, candidate: string, opts: { top: number; json?: boolean }) => {
    const { runCompareCommand } = await import("../sim/index.ts");
    const c = runCompareCommand(base, candidate, opts);
    process.exitCode = c.verdict === "worse" ? 1 : 0;
  });

program
  .command("scenarios")
  .description("list the scenario suites and their scenarios")
  .action(async () => {
    const { SUITES } = await import("../sim/index.ts");
    for (const [suite, scenarios] of Object.entries(SUITES)) {
      console.log(`${suite}:`);
      const shown = scenarios.length > 24 ? scenarios.slice(0, 12) : scenarios;
      for (const s of shown) console.log(`  ${s.name.padEnd(24)} ${s.description}`);
      if (shown.length < scenarios.length) console.log(`  … ${scenarios.length - shown.length} more (${scenarios.length} variants in all)`);
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
  .description("training data: every scenario of a suite × N seeds through the closed loop; --kind intent: pedestrian BEV raster sequences + labels; --kind detection: LiDAR scans and camera frames with 3D/2D box labels (see sim/dataset/README.md)")
  .addOption(new Option("--kind <kind>", "what data: intent model or detectors").choices(["intent", "detection"]).default("intent"))
  .requiredOption("--suite <name>", "scenario suite, e.g. default, train, val, test")
  .option("--variants <n>", "seeds per scenario", countArg(1), 10)
  .option("--seed-base <n>", "first seed", seedArg, 1)
  .addOption(new Option("--variation <kind>", "per-seed variation: the suite's own, or widened").choices(["suite", "wide"]).default("suite"))
  .option("--scenarios <names>", "comma-separated subset of the suite")
  .requiredOption("--out <dir>", "output folder")
  .option("--sensors <kinds>", "detection: sensor kinds to simulate (default lidar, plus camera when /usr/bin/chromium exists)")
  .option("--drive <config>", "intent: record with this stack driving (a `curb sim --config` file, e.g. prediction/intent/intent-stack.yaml) instead of the pinned collection drive, to evaluate a model in the drive it ships in")
  .action(async (opts: { kind: "intent" | "detection"; suite: string; variants: number; seedBase: number; variation: "suite" | "wide"; scenarios?: string; out: string; sensors?: string; drive?: string }) => {
    if (opts.kind === "detection") {
      if (opts.drive) throw new Error("--drive applies to --kind intent; detection data are recorded with the collection drive");
      const { buildDetectionDataset, parseSensorKinds } = await import("../sim/index.ts");
      const manifest = await buildDetectionDataset({ ...opts, scenarios: opts.scenarios?.split(","), sensors: opts.sensors ? parseSensorKinds(opts.sensors) : undefined });
      console.log(JSON.stringify({ ...manifest, runs: undefined }, null, 2));
      return;
    }
    const { buildDataset } = await import("../sim/index.ts");
    const header = await buildDataset({ ...opts, scenarios: opts.scenarios?.split(",") });
    console.log(JSON.stringify(header.manifest, null, 2));
  });

program
  .command("replay")
  .description("feed a recorded log back: onto the ZeroMQ bus at a rate, or (--rerun) through the stack, diffing its outputs against the log")
  .argument("<log>", "an MCAP log written by curb")
  .option("--rerun", "re-run the stack on the log's recorded inputs and report which outputs differ (exit 1 if any)")
  .option("--config <file>", "with --rerun: stack parameters (YAML or JSON) to change on the recorded drive, laid over the ones it records")
  .option("--rate <r>", "multiple of real time, or 'max'", "1")
  .option("--max-gap <s>", "a silence in the log longer than this (s of log time) is skipped, not waited out; 'none' waits every one", "10")
  .option("--bind <endpoints>", "ZeroMQ endpoints to publish on: LATEST,LOSSLESS", "tcp://127.0.0.1:5556,tcp://127.0.0.1:5557")
  .action(async (log: string, opts: { rerun?: boolean; config?: string; rate: string; maxGap: string; bind: string }) => {
    const { GAP_CAUSE, logGapLine, logInfo, rerunStack, playLog } = await import("../replay/index.ts");
    if (opts.config && !opts.rerun) throw new Error("--config applies to --rerun (the stack run again on the drive); a plain replay publishes the log as recorded");
    if (opts.rerun) {
      const { readStackParamsFile } = await import("../sim/index.ts");
      // The file changes the drive's recorded parameters: "this drive, with that changed".
      const result = await rerunStack(resolve(log), opts.config ? readStackParamsFile(opts.config) : undefined, { over: "recorded" });
      console.log(JSON.stringify(result, null, 2));
      process.exitCode = result.identical ? 0 : 1;
      return;
    }
    const rate = opts.rate === "max" ? Infinity : Number(opts.rate);
    if (!(rate > 0)) throw new Error(`--rate must be a positive number or 'max', got ${opts.rate}`);
    const maxGapS = opts.maxGap === "none" ? Infinity : Number(opts.maxGap);
    if (!(maxGapS > 0)) throw new Error(`--max-gap must be a positive number of seconds or 'none', got ${opts.maxGap}`);
    const [latest, lossless] = opts.bind.split(",");
    if (!latest || !lossless) throw new Error("--bind takes two endpoints: LATEST,LOSSLESS");
    await logInfo(resolve(log)); // a log that cannot be read is refused before the ports are bound
    const { ZeroMqBus } = await import("../bus/index.ts");
    const bus = await ZeroMqBus.open({ name: "replay", bind: { latest, lossless } });
    const abort = new AbortController();
    process.once("SIGINT", () => abort.abort());
    process.once("SIGTERM", () => abort.abort());
    try {
      const onGap = (gap: LogGap) => process.stderr.write(`curb replay: ${logGapLine(gap)}, played on without waiting: ${GAP_CAUSE}\n`);
      const result = await playLog(resolve(log), bus, { rate, maxGapS, signal: abort.signal, onGap });
      console.log(JSON.stringify({ ...result, gaps: result.gaps.length }));
    } finally {
      await bus.close(); // an open socket would keep the process, and the ports, alive after an error
    }
  });

const train = program.command("train").description("train a model (calls /usr/bin/python3 with PyTorch; see prediction/intent/README.md)");
train
  .command("intent")
  .description("train the pedestrian intent CNN+GRU on a `curb dataset` folder; writes X.onnx, X.step.onnx and X.card.json")
  .requiredOption("--data <dir>", "training dataset")
  .option("--val <dir>", "validation dataset (default: last 20% of the training seeds)")
  .option("--test <dir>", "held-out test dataset (metrics into the card)")
  .requiredOption("--out <file>", "model path X.onnx (models/intent.onnx is the shipped model)")
  .option("--epochs <n>", "epochs (default 12)", countArg(1))
  .option("--window <n>", "training window, frames (default 80)", countArg(2))
  .option("--batch <n>", "windows per batch (default 16)", countArg(1))
  .option("--seed <n>", "training seed (default 1)", seedArg)
  .option("--no-raster", "kinematic features only (the GRU baseline)")
  .option("--no-mirror", "do not mirror half of the training windows left-right")
  .option("--no-calibrate", "skip Platt scaling on the validation set")
  .action(async (opts: { data: string; val?: string; test?: string; out: string; epochs?: number; window?: number; batch?: number; seed?: number; raster: boolean; mirror: boolean; calibrate: boolean }) => {
    const { trainIntent } = await import("../prediction/index.ts");
    const { checkDatasetLabels, readDatasetHeader, refuseHeldOut } = await import("../sim/index.ts");
    const { makeOutputFolder } = await import("../replay/index.ts");
    // Checked here, not in Python, so a wrong folder reads as a sentence rather than a traceback,
    // and before the epochs, so a wrong --out does not cost a whole training.
    const check = (dir: string | undefined, use?: string) => {
      if (!dir) return undefined;
      const header = readDatasetHeader(resolve(dir));
      if (use) refuseHeldOut(dir, header, use); // only --test may be the held-out suite
      checkDatasetLabels(resolve(dir), readFileSync(resolve(dir, header.arrays.labels.file)));
      return header;
    };
    const data = check(opts.data, "train")!;
    check(opts.val, "choose the epoch and threshold");
    check(opts.test);
    if (!opts.val && new Set(data.sequences.map((q) => q.seed)).size < 2) {
      throw new Error(`${opts.data} holds one seed, so there is nothing to hold out for validation (the last 20 % of the seeds): give --val DIR or build more --variants`);
    }
    const out = resolve(opts.out);
    if (!out.endsWith(".onnx")) throw new Error(`--out is the model file X.onnx (X.step.onnx and X.card.json go beside it), not ${opts.out}`);
    makeOutputFolder(dirname(out), "the model");
    if (statSync(out, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`--out ${opts.out} is a folder; name the model file, e.g. ${opts.out.replace(/\/?$/, "/intent.onnx")}`);
    const log = await trainIntent({ ...opts, out: opts.out, noRaster: !opts.raster });
    console.log(log.trim().split("\n").pop());
  });

program
  .command("eval")
  .description("evaluate a model")
  .command("intent")
  .description("intent model vs baselines (CV+curb rule, crosswalk rule, kinematic GRU) per horizon, lead time, false warnings/h, channel ablation; writes eval.txt, eval.json and eval.html (the plots)")
  .option("--suite <name>", "scenario suite to build held-out data from", "default")
  .option("--variants <n>", "seeds per scenario", countArg(1), 10)
  .option("--seed-base <n>", "first seed (keep it apart from the training seeds)", seedArg, 3000)
  .addOption(new Option("--variation <kind>", "per-seed variation").choices(["suite", "wide"]).default("suite"))
  .addOption(new Option("--data <dir>", "use this dataset folder instead of building one").conflicts(["suite", "variants", "seedBase", "variation"]))
  .option("--model <card>", "model card", "models/intent.card.json")
  .option("--kinematic <card>", "kinematic-only GRU card (baseline; the default is skipped, saying why, when it cannot be loaded)", "models/intent-kinematic.card.json")
  .option("--compare-model <card>", "another intent model to compare with: paired bootstrap F1 difference")
  .option("--compare-data <dir>", "with --compare-model of another raster spec: the same runs rasterised for that model (built by its checkout)")
  .option("--threshold <p>", "one threshold for every head, the warning at the 1 s head (default: the card's operating point)", Number.parseFloat)
  .option("--no-ablation", "skip the raster channel ablation")
  .option("--out <dir>", "output folder", "out/eval-intent")
  .option("--update-card", "record the headline numbers in the model card (quality.evaluations)")
  .action(async (opts: { suite: string; variants: number; seedBase: number; variation: "suite" | "wide"; data?: string; model: string; kinematic: string; compareModel?: string; compareData?: string; threshold?: number; ablation: boolean; out: string; updateCard?: boolean }, command: Command) => {
    const { evaluateIntent, formatEvalTable } = await import("../sim/index.ts");
    const { uniformOperatingPoint } = await import("../prediction/index.ts");
    if (opts.threshold !== undefined && !(opts.threshold >= 0 && opts.threshold <= 1)) throw new Error(`--threshold must be a probability, not ${opts.threshold}`);
    const operatingPoint = opts.threshold === undefined ? undefined : uniformOperatingPoint(opts.threshold);
    const kinematicRequired = command.getOptionValueSource("kinematic") !== "default";
    const report = await evaluateIntent({ ...opts, operatingPoint, kinematicModel: opts.kinematic, kinematicRequired });
    console.log(formatEvalTable(report));
  });

program
  .command("explain")
  .description("say why a model decided as it did")
  .command("intent")
  .description("one pedestrian re-run with one input changed at a time (each raster channel zeroed, each feature held at its median): which input raised the warning, or held it back")
  .requiredOption("--data <dir>", "the dataset folder it is in (e.g. out/intent/suite-test)")
  .requiredOption("--pedestrian <id>", "SCENARIO/SEED/TRACK, as eval.txt lists false alarms and missed jaywalkers")
  .option("--model <card>", "model card", "models/intent.card.json")
  .option("--hold <feature=value>", "also a row with this feature held at this value (repeatable), e.g. ego_ahead_m=60", (v: string, all: string[]) => [...all, v], [] as string[])
  .option("--json", "print the rows as JSON instead of a table")
  .action(async (opts: { data: string; pedestrian: string; model: string; hold: string[]; json?: boolean }) => {
    const { explainIntent, formatExplainTable } = await import("../sim/index.ts");
    const report = await explainIntent({ data: resolve(opts.data), pedestrian: opts.pedestrian, model: opts.model, holds: opts.hold });
    console.log(opts.json ? JSON.stringify(report, null, 2) : formatExplainTable(report));
  });

program
  .command("tune")
  .description("choose an operating point on validation data")
  .command("intent")
  .description("the intent model's operating point: per head the threshold (0.2 … 0.6) with the best pre-entry F1; the warning, the shortest head whose median lead meets --min-lead")
  .requiredOption("--data <dir>", "validation dataset folder (never the test suite)")
  .option("--model <card>", "model card", "models/intent.card.json")
  .option("--min-lead <s>", "the median warning lead time the planner needs, s", Number.parseFloat, 1.0)
  .option("--chosen-on <name>", "name of the data, recorded in the card", "val")
  .option("--update-card", "write the choice into the card (operatingPoint)")
  .action(async (opts: { data: string; model: string; minLead: number; chosenOn: string; updateCard?: boolean }) => {
    const { chooseOperatingPoint, formatOperatingPointTable } = await import("../sim/index.ts");
    const { resolveModelPath } = await import("../prediction/index.ts");
    if (!(opts.minLead >= 0)) throw new Error(`--min-lead must be a number of seconds ≥ 0, not ${opts.minLead}`);
    console.log(formatOperatingPointTable(await chooseOperatingPoint({ ...opts, minLeadS: opts.minLead })));
    if (opts.updateCard) console.log(`operating point written to ${resolveModelPath(opts.model)}`);
  });

const logCommand = program.command("log").description("inspect or salvage a recorded log");
logCommand
  .command("info")
  .argument("<file>", "an MCAP log")
  .description("per-topic message counts, time ranges and schemas, from the log's summary and index")
  .option("--check", "also read and decode every message (chunk CRCs, protobuf): exit 2 at the first that is corrupt; list silences over 10 s")
  .option("--json", "print the info as JSON (for scripts) instead of a table")
  .action(async (file: string, opts: { check?: boolean; json?: boolean }) => {
    const { checkLog, formatLogInfo, GAP_CAUSE, logGapLine, logInfo } = await import("../replay/index.ts");
    const info = await logInfo(resolve(file));
    const checked = opts.check ? await checkLog(resolve(file)) : undefined;
    if (!opts.json) return console.log(formatLogInfo(info, checked)); // silences included
    for (const gap of checked?.gaps ?? []) process.stderr.write(`curb log info: ${logGapLine(gap)}: ${GAP_CAUSE}\n`);
    // Counts as numbers; nanosecond stamps beyond 2^53 as strings, exact.
    const json = (_k: string, v: unknown) => (typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v);
    console.log(JSON.stringify({ ...info, ...(checked && { checked }) }, json, 2));
  });

logCommand
  .command("recover")
  .argument("<file>", "an MCAP log cut short (its recorder killed): no footer, so `log info` calls it truncated")
  .requiredOption("--out <file>", "the complete log to write (never the input)")
  .option("--chunk-size <bytes>", "chunk size of the new log: bytes, or live for a driver's or `curb record`'s (16 KiB; the same size as the input's gives its bytes)", chunkSizeArg)
  .description("copy every message of the complete chunks of a cut-short log into a new, complete log, and say what was lost")
  .action(async (file: string, opts: { out: string; chunkSize?: number | "live" }) => {
    const { LIVE_CHUNK_SIZE, recoverLog } = await import("../replay/index.ts");
    const { progressBar } = await import("./progressBar.ts");
    const size = statSync(resolve(file), { throwIfNoEntry: false })?.size ?? 0;
    const bar = size > 16 << 20 ? progressBar(10, "recovering") : undefined; // a bar only where the wait is felt
    let tenths = 0;
    const r = await recoverLog(resolve(file), resolve(opts.out), {
      chunkSize: opts.chunkSize === "live" ? LIVE_CHUNK_SIZE : opts.chunkSize,
      onProgress: (read, total) => {
        for (; bar && tenths < Math.floor((10 * read) / total); tenths++) bar.tick(`${(read / 2 ** 20).toFixed(0)} MiB`);
      },
    });
    bar?.done();
    console.log(JSON.stringify(r, null, 2));
    process.stderr.write(
      r.complete
        ? `${file} was complete: ${r.messages} messages copied to ${r.out}\n`
        : `recovered ${r.messages} messages to ${r.out}; lost: ${r.stopped}\n`,
    );
  });

// Hardware drivers (hw/drivers, see hw/README.md).
program
  .command("driver")
  .description("run one sensor driver (velodyne | radar | camera) as a process on the ZeroMQ bus, or decode straight into a log with --record")
  .argument("<kind>", "velodyne | radar | camera")
  .option("--config <file>", "driver config YAML, or a vehicle config (then --name picks the driver)")
  .option("--name <sensor>", "sensor name (vehicle config; default for --pcap: top)")
  .option("--bus-dir <dir>", "folder of the ipc:// endpoints (default /tmp/curb; none when --record is given)")
  .option("--record <file>", "write the driver's messages to this MCAP file")
  .option("--pcap <file>", "velodyne: replay this capture (no config file needed)")
  .option("--model <model>", "velodyne with --pcap: VLP-16, VLP-32C, HDL-32E, VLS-128, HDL-64E")
  .option("--calibration <file>", "velodyne with --pcap: calibration YAML")
  .option("--rate <rate>", "velodyne with --pcap: replay pace (1 = recorded) or max", "max")
  .action(async (kind: string, opts: Record<string, string | undefined>) => {
    const { driverCommand } = await import("../hw/drivers/index.ts");
    process.exitCode = await driverCommand(kind, opts);
  });

program
  .command("drive")
  .description("start every driver of a vehicle config as a child process (and the recorder), restart crashed ones, report health on /diagnostics")
  .requiredOption("--config <file>", "vehicle config YAML (see hw/drivers/config/vehicle.example.yaml)")
  .action(async (opts: { config: string }) => {
    const { driveCommand } = await import("../hw/drivers/index.ts");
    process.exitCode = await driveCommand(opts);
  });

program
  .command("record")
  .description("record every logged topic of a vehicle's driver processes to MCAP until SIGINT/SIGTERM")
  .requiredOption("--config <file>", "vehicle config YAML")
  .requiredOption("--out <file>", "MCAP file to write")
  .option("--bus-dir <dir>", "folder of the ipc:// endpoints (default: the config's busDir)")
  .action(async (opts: { config: string; out: string; busDir?: string }) => {
    const { recordCommand } = await import("../hw/drivers/index.ts");
    process.exitCode = await recordCommand(opts);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2; // --help and --version exit 0; commander has said what was wrong
  } else {
    console.error(`curb: ${error instanceof Error ? error.message : String(error)}`);
    // Exit now: a socket or timer a failed command left open must not keep the process (and its
    // signal handlers, which only abort) alive after the error was said.
    process.exit(2);
  }
}
