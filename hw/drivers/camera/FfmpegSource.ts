// Runs Debian's ffmpeg on any source it reads (V4L2 device, RTSP, a file, a lavfi graph) and feeds
// its JPEG stream and per-frame times to the camera driver.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { CameraDriverConfig } from "../config.ts";
import type { Source } from "../velodyne/sources.ts";
import type { CameraDriver } from "./CameraDriver.ts";

/** The ffmpeg command line for an input config: JPEG frames on stdout, showinfo per frame on stderr. */
export function ffmpegArgs(input: CameraDriverConfig["input"]): string[] {
  const args = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "info"];
  if (input.realtime) args.push("-re");
  if (input.loop) args.push("-stream_loop", "-1");
  if (input.timestamps === "wallclock") args.push("-use_wallclock_as_timestamps", "1");
  if (input.format) args.push("-f", input.format);
  args.push(...input.inputArgs, "-i", input.url, "-an", "-sn");
  if (input.timestamps === "wallclock") args.push("-copyts");
  args.push("-vf", "showinfo", "-fps_mode", "passthrough", "-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-q:v", String(input.jpegQuality), "-f", "image2pipe", "pipe:1");
  return args;
}

export function startFfmpeg(driver: CameraDriver, input: CameraDriverConfig["input"]): Source {
  const child = spawn(input.ffmpeg, ffmpegArgs(input), { stdio: ["ignore", "pipe", "pipe"] });
  let stopping = false;
  let lastLines: string[] = [];
  child.stdout.on("data", (chunk: Buffer) => driver.onStdout(chunk));
  createInterface({ input: child.stderr }).on("line", (line) => {
    driver.onStderrLine(line);
    if (!line.includes("showinfo")) lastLines = [...lastLines.slice(-4), line];
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", (e) => reject(new Error(`${input.ffmpeg} could not start: ${e.message}; install the Debian package ffmpeg`)));
    child.on("close", (code, signal) => {
      driver.endOfStream(stopping);
      if (stopping || code === 0) resolve();
      else reject(new Error(`ffmpeg exited (${code ?? signal}) reading ${input.url}: ${lastLines.join(" | ")}`));
    });
  });
  return {
    done,
    stop: async () => {
      stopping = true;
      child.kill("SIGTERM");
      await done.catch(() => {});
    },
  };
}
