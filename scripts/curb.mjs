#!/usr/bin/env node
// The `curb` command: TypeScript runs through tsx, so there is no build step to forget.
import { register } from "tsx/esm/api";

register();
await import("./cli.ts");
