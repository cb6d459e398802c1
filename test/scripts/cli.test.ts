// The `curb` command line as a user meets it: help, errors that name what is wrong, outputs on disk.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { collectRun, DatasetWriter } from "../../sim/dataset/index.ts";
import { findScenario } from "../../sim/scenarios/index.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "curb-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function curb(...args: string[]) {
  // SIGKILL: a command that hangs (and may treat SIGTERM as "stop when done") fails the test instead of stalling it.
  const r = spawnSync(process.execPath, [join(root, "scripts/curb.mjs"), ...args], { cwd: root, encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("curb command line", () => {
  it("--help lists every command", () => {
    const r = curb("--help");
    expect(r.status).toBe(0);
    for (const command of ["sim", "compare", "scenarios", "bench", "replay", "log"]) expect(r.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
  });

  it("an unknown scenario or suite is refused with the valid names", () => {
    const s = curb("sim", "--scenario", "no-such-thing", "--out", tmp);
    expect(s.status).not.toBe(0);
    expect(s.stderr).toContain('unknown scenario "no-such-thing"');
    expect(s.stderr).toContain("jaywalk-occluded");
    const u = curb("sim", "--suite", "nope", "--out", tmp);
    expect(u.status).not.toBe(0);
    expect(u.stderr).toContain("valid suites: default");
  });

  it("invalid configuration names the field", () => {
    const bad = join(tmp, "bad.yaml");
    writeFileSync(bad, "perception:\n  missProbability: 1.5\nplanning:\n  maxAccelMps: 2\n");
    const r = curb("sim", "--scenario", "empty-street", "--config", bad, "--out", tmp);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("perception.missProbability");
    expect(r.stderr).toContain("maxAccelMps");
  });

  it("runs one scenario and writes its log, metrics and report", () => {
    const dir = join(tmp, "one");
    const good = join(tmp, "good.json");
    writeFileSync(good, JSON.stringify({ perception: { missProbability: 0 } }));
    const r = curb("sim", "--scenario", "jaywalk-clear-view", "--seed", "3", "--config", good, "--out", dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("jaywalk-clear-view");
    for (const f of ["run.mcap", "metrics.json", "report.html"]) expect(existsSync(join(dir, "jaywalk-clear-view", f)), f).toBe(true);
    const metrics = JSON.parse(readFileSync(join(dir, "jaywalk-clear-view", "metrics.json"), "utf8"));
    expect(metrics.scenario).toBe("jaywalk-clear-view");
    expect(metrics.collisions.pedestrian).toBe(0);
    const info = curb("log", "info", "--json", join(dir, "jaywalk-clear-view", "run.mcap"));
    expect(info.status, info.stderr).toBe(0);
    const json = JSON.parse(info.stdout);
    expect(typeof json.messageCount).toBe("number");
    // The table a person reads by default: one row per topic, with the summary's own count.
    const table = curb("log", "info", join(dir, "jaywalk-clear-view", "run.mcap"));
    expect(table.status, table.stderr).toBe(0);
    const agents = json.channels.find((c: { topic: string }) => c.topic === "/prediction/agents");
    const row = table.stdout.split("\n").find((l) => l.startsWith("/prediction/agents "));
    expect(row?.split(/\s{2,}/).slice(0, 2)).toEqual(["/prediction/agents", agents.messageCount.toLocaleString("en").replaceAll(",", " ")]);
    // Process replay of the same drive reproduces every output: the log records its parameters.
    const rerun = curb("replay", join(dir, "jaywalk-clear-view", "run.mcap"), "--rerun");
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ identical: true, stackParams: "recorded" });
  });

  it("training on a folder that is not an intent dataset says so, before Python starts", () => {
    const r = curb("train", "intent", "--data", tmp, "--out", join(tmp, "m.onnx"));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${tmp} is not an intent dataset (no header.json`);
    expect(r.stderr).toContain("curb dataset");
    expect(r.stderr).not.toMatch(/Traceback|\.py/);
  });

  it("training or validating on the held-out test suite is refused", async () => {
    const run = await collectRun(findScenario("running-child"), 5);
    const dataset = (name: string, suite: string) => {
      const dir = join(tmp, name);
      mkdirSync(dir);
      const w = new DatasetWriter(dir);
      w.append(run);
      w.close({ suite });
      return dir;
    };
    const held = dataset("held-out", "test");
    const train = dataset("train", "train");
    const asTrain = curb("train", "intent", "--data", held, "--out", join(tmp, "m.onnx"));
    expect(asTrain.status).not.toBe(0);
    expect(asTrain.stderr).toContain(`${held} holds the held-out "test" suite, which must not be used to train`);
    const asVal = curb("train", "intent", "--data", train, "--val", held, "--out", join(tmp, "m.onnx"));
    expect(asVal.status).not.toBe(0);
    expect(asVal.stderr).toContain(`${held} holds the held-out "test" suite, which must not be used to choose the epoch and threshold`);
    expect(existsSync(join(tmp, "m.onnx"))).toBe(false);
  });

  it("a model that cannot load stops the simulation before it writes anything", () => {
    const model = join(tmp, "garbled-model");
    mkdirSync(model);
    for (const f of ["intent.card.json", "intent.onnx", "intent.step.onnx"]) writeFileSync(join(model, f), readFileSync(join(root, "models", f)).subarray(0, f.endsWith(".json") ? undefined : 100));
    const config = join(tmp, "garbled-stack.yaml");
    writeFileSync(config, `prediction:\n  predictor: intent_cnn_gru\n  intentModelCard: ${join(model, "intent.card.json")}\n`);
    const out = join(tmp, "not-written");
    const r = curb("sim", "--suite", "default", "--config", config, "--out", out);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/intent model .*garbled-model.*refused: .* graph .* is not a loadable ONNX graph/);
    expect(existsSync(out)).toBe(false);
  });

  it("an unknown sensor kind is refused with the known ones", () => {
    const r = curb("sim", "--scenario", "empty-street", "--sensors", "lidar,sonar", "--out", tmp);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('unknown sensor kind "sonar"; known: lidar, radar, camera, all');
  });

  it("a count that is not a whole number ≥ 1 is refused before any work", () => {
    for (const args of [["dataset", "--suite", "default", "--variants", "abc"], ["dataset", "--suite", "default", "--variants", "0"], ["dataset", "--suite", "default", "--variants", "1.5"], ["eval", "intent", "--variants", "-1"], ["train", "intent", "--data", tmp, "--out", join(tmp, "m.onnx"), "--epochs", "0"], ["train", "intent", "--data", tmp, "--out", join(tmp, "m.onnx"), "--window", "1"]]) {
      const r = curb(...args, ...(args[0] === "train" ? [] : ["--out", join(tmp, "never")]));
      expect(r.status, args.join(" ")).toBe(2); // a usage error: the command could not run
      expect(r.stderr, args.join(" ")).toMatch(/a whole number from [12] to 1000000/);
    }
    expect(existsSync(join(tmp, "never"))).toBe(false);
  });

  it("training checks where the model goes and what validates it before the epochs start", async () => {
    const data = join(tmp, "one-seed");
    mkdirSync(data);
    const w = new DatasetWriter(data);
    w.append(await collectRun(findScenario("running-child"), 5));
    w.close({ suite: "train" });
    const noOut = curb("train", "intent", "--data", data);
    expect(noOut.stderr).toContain("required option '--out <file>'"); // no default: it would overwrite the shipped model
    const oneSeed = curb("train", "intent", "--data", data, "--out", join(tmp, "m.onnx"));
    expect(oneSeed.status).toBe(2);
    expect(oneSeed.stderr).toContain(`${data} holds one seed, so there is nothing to hold out for validation`);
    const folder = curb("train", "intent", "--data", data, "--val", data, "--out", `${tmp}/`);
    expect(folder.stderr).toContain("--out is the model file X.onnx");
    const unwritable = curb("train", "intent", "--data", data, "--val", data, "--out", "/proc/curb-nope/m.onnx");
    expect(unwritable.stderr).toContain("cannot write the model to /proc/curb-nope");
    for (const r of [oneSeed, folder, unwritable]) expect(r.stderr).not.toMatch(/Traceback|\.py/);
    expect(existsSync(join(tmp, "m.onnx"))).toBe(false);
  });

  it("eval: a kinematic baseline the user names must load; --data excludes the suite options; a bad model stops it before the dataset build", () => {
    const kin = curb("eval", "intent", "--data", tmp, "--kinematic", join(tmp, "no-such.card.json"), "--out", join(tmp, "ev"));
    expect(kin.status).toBe(2);
    expect(kin.stderr).toContain("no-such.card.json refused: card file not found");
    const both = curb("eval", "intent", "--data", tmp, "--suite", "val", "--out", join(tmp, "ev"));
    expect(both.status).toBe(2);
    expect(both.stderr).toContain("option '--data <dir>' cannot be used with option '--suite <name>'");
    const out = join(tmp, "ev-bad-model");
    const bad = curb("eval", "intent", "--suite", "default", "--variants", "3", "--model", join(tmp, "no-such.card.json"), "--out", out);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("no-such.card.json refused");
    expect(bad.stderr).not.toContain("dataset default"); // the progress bar of a build that would be wasted
    expect(existsSync(out)).toBe(false);
  });

  it("a reader that closes the pipe early is not an error", () => {
    const r = spawnSync("bash", ["-c", `node ${join(root, "scripts/curb.mjs")} scenarios | (exec 0<&-; true); echo "status \${PIPESTATUS[0]}"`], { cwd: root, encoding: "utf8", timeout: 60_000 });
    expect(r.stdout.trim()).toBe("status 0");
    expect(r.stderr).not.toContain("EPIPE");
  });

  it("exit status: 1 when a pedestrian was hit (said in a line), 2 when the command could not run", () => {
    // The bus passenger, hidden by the bus, is hit once the planner no longer slows past it.
    const fast = join(tmp, "no-occlusion-slowing.yaml");
    writeFileSync(fast, "planning:\n  slowForOcclusions: false\n");
    const hit = curb("sim", "--scenario-file", join(root, "sim/scenarios/files/example.yaml"), "--config", fast, "--out", join(tmp, "example"));
    expect(hit.status, hit.stderr).toBe(1);
    expect(hit.stdout).toMatch(/pedestrian collision in 1 of 1 scenario\(s\) \(bus-stop-jaywalk#1\): exit status 1/);
    const typo = curb("sim", "--scenrio", "empty-street");
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("unknown option '--scenrio'");
    const proc = curb("sim", "--scenario", "empty-street", "--out", "/proc/curb-nope"); // Node's recursive mkdir would spin here
    expect(proc.status).toBe(2);
    expect(proc.stderr).toContain("cannot write the runs to /proc/curb-nope");
  });

  it("compare: a stack that hits the bus passenger is worse (exit 1), the same run twice shows nothing, bad inputs exit 2", () => {
    const example = join(root, "sim/scenarios/files/example.yaml");
    const fast = join(tmp, "compare-fast.yaml");
    writeFileSync(fast, "planning:\n  slowForOcclusions: false\n");
    const base = join(tmp, "compare-base");
    const cand = join(tmp, "compare-fast");
    expect(curb("sim", "--scenario-file", example, "--out", base).status).toBe(0);
    expect(curb("sim", "--scenario-file", example, "--config", fast, "--out", cand).status).toBe(1);
    const recorded = JSON.parse(readFileSync(join(cand, "suite.json"), "utf8"));
    expect(recorded.run).toEqual({ kind: "scenario file", name: example, seed: 1, config: fast, stack: { planning: { slowForOcclusions: false } } });

    const worse = curb("compare", base, cand);
    expect(worse.status, worse.stderr).toBe(1);
    expect(worse.stdout).toContain("planning.slowForOcclusions: default → false");
    expect(worse.stdout).toMatch(/^a pedestrian collision\s+0\s+1\s+0\s+1\s+p = 1\.000\s+p = 1\.000$/m); // one scenario: no evidence either way
    expect(worse.stdout).toMatch(/^ {2}bus-stop-jaywalk#1: pedestrian collisions 0 → 1, .*bus-stop-jaywalk#1\/report\.html$/m);
    expect(worse.stdout).toContain("verdict: worse: it hits a pedestrian the base did not in 1 scenario(s) (bus-stop-jaywalk#1)");
    const json = JSON.parse(curb("compare", base, cand, "--json").stdout);
    expect(json.verdict).toBe("worse");
    expect(json.regressions[0]).toMatchObject({ scenario: "bus-stop-jaywalk#1" });
    // The other way round the careful stack no longer hits the passenger but stops short of the route's
    // end: better and worse in that one scenario, which is no significant difference, at a cost in progress.
    const back = curb("compare", join(cand, "suite.json"), base);
    expect(back.status).toBe(0);
    expect(back.stdout).toContain("worse in 1 scenario(s), better in 1; the worst 1:");
    expect(back.stdout).toMatch(/^ {2}bus-stop-jaywalk#1: route not completed \(progress \d+\.\d → \d+\.\d m\)/m);
    expect(back.stdout).toMatch(/^verdict: no significant difference: at a cost: progress −\d+\.\d\d m per scenario$/m);
    const same = curb("compare", base, base);
    expect(same.status).toBe(0);
    expect(same.stdout).toContain("note: the two runs have the same stack parameters");

    expect(curb("compare", base, join(tmp, "nowhere")).stderr).toContain(`${join(tmp, "nowhere")} does not exist: give the --out folder of a finished \`curb sim\` run`);
    const broken = join(tmp, "broken-suite.json");
    writeFileSync(broken, JSON.stringify({ rows: [{ ...recorded.rows[0], hardBrakes: "many" }] }));
    const bad = curb("compare", base, broken);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`${broken} is not a curb suite table: rows.0.hardBrakes: Invalid input: expected number, received string`);
    const other = join(tmp, "compare-other.json");
    writeFileSync(other, JSON.stringify({ rows: [{ ...recorded.rows[0], scenario: "empty-street" }] }));
    const unpaired = curb("compare", base, other);
    expect(unpaired.status).toBe(2);
    expect(unpaired.stderr).toContain("the runs are not of the same scenarios: 1 only in the base (bus-stop-jaywalk#1); 1 only in the candidate (empty-street)");
  }, 180_000); // two simulations and eight commands: about 30 s alone, more beside other test files

  it("a log with a corrupt chunk: log info --check, log recover and a plain replay say so and exit 2, the replay freeing its ports", () => {
    const dir = join(tmp, "corrupt");
    expect(curb("sim", "--scenario", "empty-street", "--out", dir).status).toBe(0);
    const log = join(dir, "empty-street", "run.mcap");
    const bytes = readFileSync(log);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff; // inside the chunks; the summary at the end still reads
    const bad = join(tmp, "corrupt.mcap");
    writeFileSync(bad, bytes);
    expect(curb("log", "info", bad).status).toBe(0); // the summary alone cannot tell
    const check = curb("log", "info", "--check", bad);
    expect(check.status).toBe(2);
    expect(check.stderr).toMatch(/corrupt\.mcap is a corrupt MCAP file/);
    expect(JSON.parse(curb("log", "info", "--check", "--json", log).stdout).checked.messages).toBe(JSON.parse(curb("log", "info", "--json", log).stdout).messageCount);
    expect(curb("log", "info", "--check", log).stdout).toMatch(/^checked +every message read and decoded: [\d ]+, as the summary says$/m);
    // log recover: the run's log (one chunk) is complete and copies whole; with that chunk corrupt nothing is left to keep.
    const salvaged = join(tmp, "salvaged.mcap");
    const copy = curb("log", "recover", log, "--out", salvaged);
    expect(copy.status, copy.stderr).toBe(0);
    const messageCount = JSON.parse(curb("log", "info", "--json", log).stdout).messageCount;
    expect(JSON.parse(copy.stdout)).toMatchObject({ complete: true, messages: messageCount, lostBytes: 0 });
    expect(copy.stderr).toBe(`${log} was complete: ${messageCount} messages copied to ${salvaged}\n`);
    expect(readFileSync(salvaged).equals(readFileSync(log))).toBe(true);
    // In small chunks, as a driver writes them: the same messages in more chunks.
    const small = join(tmp, "salvaged-small.mcap");
    expect(curb("log", "recover", log, "--out", small, "--chunk-size", "live").status).toBe(0);
    const smallInfo = JSON.parse(curb("log", "info", "--json", small).stdout);
    expect(smallInfo).toMatchObject({ messageCount });
    expect(smallInfo.chunkCount).toBeGreaterThan(JSON.parse(curb("log", "info", "--json", log).stdout).chunkCount);
    const zero = curb("log", "recover", log, "--out", small, "--chunk-size", "0");
    expect(zero.status).toBe(2);
    expect(zero.stderr).toContain("a whole number of bytes from 1 to 2147483648, or live");
    const none = curb("log", "recover", bad, "--out", salvaged);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/corrupt\.mcap: no complete message to recover \(a corrupt record after byte \d+ \(Incorrect chunk CRC/);
    expect(readFileSync(salvaged).equals(readFileSync(log))).toBe(true); // the earlier output is left as it was
    const notLog = curb("log", "recover", join(root, "README.md"), "--out", salvaged);
    expect(notLog.status).toBe(2);
    expect(notLog.stderr).toMatch(/README\.md is not an MCAP log/);
    expect(curb("log", "recover", bad).stderr).toContain("required option '--out <file>' not specified");
    const bind = ["--bind", "tcp://127.0.0.1:5596,tcp://127.0.0.1:5597", "--rate", "max"];
    const replay = curb("replay", ...bind, bad); // it used to hang here, its sockets open, until killed
    expect(replay.status).toBe(2);
    expect(replay.stderr).toMatch(/corrupt MCAP file/);
    const again = curb("replay", ...bind, log);
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).published).toBeGreaterThan(0);
    const missing = curb("replay", ...bind, join(tmp, "no-such.mcap"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("log file not found");
    const config = curb("replay", ...bind, log, "--config", join(root, "prediction/intent/intent-stack.yaml"));
    expect(config.status).toBe(2);
    expect(config.stderr).toContain("--config applies to --rerun");
    const gap = curb("replay", ...bind, log, "--max-gap", "0");
    expect(gap.status).toBe(2);
    expect(gap.stderr).toContain("--max-gap must be a positive number of seconds or 'none', got 0");
    const noGap = curb("replay", ...bind, log, "--max-gap", "none");
    expect(noGap.status, noGap.stderr).toBe(0);
    expect(JSON.parse(noGap.stdout)).toMatchObject({ published: JSON.parse(again.stdout).published, gaps: 0 });
  });

  it("Ctrl-C during a suite says which scenario was cut short and what is on disk, and exits 130", async () => {
    const out = join(tmp, "interrupted");
    const child = spawn(process.execPath, [join(root, "scripts/curb.mjs"), "sim", "--suite", "val", "--out", out], { cwd: root });
    let stderr = "";
    const closed = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (/ 2\/400 /.test(stderr) && !child.killed) child.kill("SIGINT"); // once, in the third scenario or just before it
    });
    expect(await closed).toBe(130);
    const m = /interrupted \(SIGINT\) during (\S+): its run\.mcap is cut short .*; (\d+) of 400 scenario\(s\) finished in .*; no suite table written/.exec(stderr);
    expect(m, stderr).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThanOrEqual(2);
    expect(existsSync(join(out, "suite.txt"))).toBe(false);
    const cut = join(out, m![1], "run.mcap");
    if (existsSync(cut)) expect(curb("log", "info", cut).stderr).toMatch(/truncated MCAP file|not an MCAP file/);
  });

  it("a bad seed is refused", () => {
    const r = curb("sim", "--scenario", "empty-street", "--seed", "-4", "--out", tmp);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/seed/);
  });
});
