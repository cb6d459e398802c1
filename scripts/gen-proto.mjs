#!/usr/bin/env node
// Generates the message code from the one copy of each schema:
//  - Foxglove's .proto files from @foxglove/schemas (never hand-copied),
//  - then typed TypeScript for them and for bus/proto/curb/*.proto via buf + protoc-gen-es.
// Output (bus/proto/foxglove, bus/gen) is not committed; scripts/setup.sh runs this.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bus = join(root, "bus");
const { foxgloveMessageSchemas, foxgloveEnumSchemas, generateProto } = require("@foxglove/schemas/dist/internal/index.js");

const foxgloveDir = join(bus, "proto", "foxglove");
rmSync(foxgloveDir, { recursive: true, force: true });
mkdirSync(foxgloveDir, { recursive: true });
for (const schema of Object.values(foxgloveMessageSchemas)) {
  const enums = Object.values(foxgloveEnumSchemas).filter((e) => e.parentSchemaName === schema.name);
  writeFileSync(join(foxgloveDir, `${schema.name}.proto`), generateProto(schema, enums));
}

rmSync(join(bus, "gen"), { recursive: true, force: true });
const bin = join(root, "node_modules", ".bin");
execFileSync(join(bin, "buf"), ["generate", "--template", "buf.gen.yaml"], {
  cwd: bus,
  stdio: "inherit",
  env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
});
