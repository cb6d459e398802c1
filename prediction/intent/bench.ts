// Prints the intent pipeline's benchmark as JSON (the same figures as `curb bench`'s "intent").
// Run: npx tsx prediction/intent/bench.ts [card]
import { findScenario } from "../../sim/scenarios/index.ts";
import { World } from "../../sim/world/index.ts";
import { benchmarkIntent } from "./intentBenchmark.ts";

const map = new World(findScenario("crosswalk-crossing"), 1).streetMap();
console.log(JSON.stringify(await benchmarkIntent(map, process.argv[2]), null, 2));
