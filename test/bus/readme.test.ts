import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TOPICS } from "../../bus/topics.ts";

/** The inputs/outputs table of bus/README.md, generated from the topic table. */
function topicTable(): string {
  const rows = Object.values(TOPICS).map(
    (t) => `| \`${t.name}\` | \`${t.schema.typeName}\` | ${t.rateHz} | ${t.delivery} | ${t.logged ? "yes" : "no"} | ${t.description} |`,
  );
  return ["| topic | message | rate (Hz) | delivery | logged | description |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

describe("bus/README.md", () => {
  it("lists every topic of bus/topics.ts exactly as declared", () => {
    const readme = readFileSync(new URL("../../bus/README.md", import.meta.url), "utf8");
    const match = /<!-- topics:begin -->\n([\s\S]*?)\n<!-- topics:end -->/.exec(readme);
    expect(match, "README has a <!-- topics:begin --> ... <!-- topics:end --> block").not.toBeNull();
    // On failure, paste the expected table into the README.
    expect(match![1]).toBe(topicTable());
  });
});
