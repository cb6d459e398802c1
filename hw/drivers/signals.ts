// Process signals → one AbortSignal. Under `curb drive` (CURB_SUPERVISED=1, own process group) a
// child also stops when its supervisor disappears, so no driver outlives a killed supervisor.
export function recordOnSignals(): AbortSignal {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (process.env.CURB_SUPERVISED === "1") {
    const parent = process.ppid;
    const t = setInterval(() => {
      if (process.ppid !== parent) stop();
    }, 500);
    t.unref();
    ac.signal.addEventListener("abort", () => clearInterval(t), { once: true });
  }
  return ac.signal;
}
