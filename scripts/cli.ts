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
