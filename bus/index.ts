// The bus: topic table, messages, time, and the in-process transport. What other folders import.
export * from "./Bus.ts";
export * from "./InProcessBus.ts";
export * from "./codec.ts";
export * from "./time.ts";
export * from "./topics.ts";
export * as msg from "./messages.ts";
export * from "./latestWins.ts";
export * from "./DropCounter.ts";
export * from "./BusHealth.ts";
export * from "./wireFrame.ts";
export * from "./ZeroMqBus.ts";
