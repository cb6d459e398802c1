// The barrier the closed-loop simulator waits on for asynchronous stages (ONNX inference).
import { describe, expect, it } from "vitest";
import { InProcessBus } from "../../bus/index.ts";
import { pendingAsyncWork, registerAsyncWork, settleAsyncWork } from "../../prediction/index.ts";

const tick = () => new Promise((r) => setImmediate(r));

describe("registerAsyncWork / settleAsyncWork", () => {
  it("waits for work registered meanwhile, and rethrows the first failure", async () => {
    const bus = new InProcessBus();
    const order: string[] = [];
    registerAsyncWork(
      bus,
      tick().then(() => {
        order.push("a");
        registerAsyncWork(bus, tick().then(() => order.push("b (registered by a)")));
      }),
    );
    await settleAsyncWork(bus);
    expect(order).toEqual(["a", "b (registered by a)"]);
    registerAsyncWork(bus, Promise.reject(new Error("model refused")));
    await expect(settleAsyncWork(bus)).rejects.toThrow("model refused");
    await expect(settleAsyncWork(bus)).resolves.toBeUndefined(); // reported once
  });

  it("does not grow on a bus nobody settles: finished work leaves by itself", async () => {
    const bus = new InProcessBus(); // like a live ZeroMQ stack: frames flow, no simulator waits
    for (let frame = 0; frame < 10_000; frame++) registerAsyncWork(bus, Promise.resolve(frame));
    expect(pendingAsyncWork(bus)).toBe(10_000);
    await tick();
    expect(pendingAsyncWork(bus)).toBe(0);
    let release!: () => void;
    registerAsyncWork(bus, new Promise<void>((r) => (release = r)));
    await tick();
    expect(pendingAsyncWork(bus)).toBe(1); // still running
    release();
    await tick();
    expect(pendingAsyncWork(bus)).toBe(0);
  });
});
