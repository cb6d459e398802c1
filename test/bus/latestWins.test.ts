import { map, of, timer } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { latestWins } from "../../bus/latestWins.ts";

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe("latestWins", () => {
  it("keeps one pending value while busy, replacing it with newer ones, and reports each replaced value", () => {
    const dropped: string[] = [];
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // The consumer takes 4 frames per value. a runs 1..5; b waits and is replaced by c at 5
      // (the source emits before the consumer finishes in the same frame); c runs 5..9; d waits
      // and runs 9..13; e runs alone.
      const source = hot("  -a-b-c-d-------e----|");
      const subs = "        ^-------------------!";
      const expected = "    -----a---c---d-----e|";
      const result = source.pipe(latestWins((v) => cold("----(x|)", { x: v }), { onDrop: (v) => dropped.push(v) }));
      expectObservable(result).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
    expect(dropped).toEqual(["b"]);
  });

  it("reports drops through onDrop in virtual time", () => {
    const dropped: number[] = [];
    scheduler().run(({ hot, expectObservable }) => {
      const source = hot("-1234567|", { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7 });
      const result = source.pipe(latestWins((v) => timer(3).pipe(map(() => v * 10)), { onDrop: (v) => dropped.push(v) }));
      // 1 runs 1..4 while 2, 3, 4 arrive (each replaces the previous); 4 runs 4..7 while 5, 6, 7
      // arrive; 7 runs 7..10; the source completed at 8, so the output completes with 7's result.
      expectObservable(result).toBe("----a--b--(c|)", { a: 10, b: 40, c: 70 });
    });
    expect(dropped).toEqual([2, 3, 5, 6]);
  });

  it("behaves like concatMap when the consumer is faster than the source", () => {
    const dropped: string[] = [];
    scheduler().run(({ cold, hot, expectObservable }) => {
      const source = hot("-a---b---c|");
      const result = source.pipe(latestWins((v) => cold("-(x|)", { x: v.toUpperCase() }), { onDrop: (v) => dropped.push(v) }));
      expectObservable(result).toBe("--A---B---(C|)");
    });
    expect(dropped).toEqual([]);
  });

  it("handles a synchronous consumer and Promise consumers", async () => {
    const out: number[] = [];
    of(1, 2, 3)
      .pipe(latestWins((v) => of(v * 2)))
      .subscribe((v) => out.push(v));
    expect(out).toEqual([2, 4, 6]);

    const dropped: number[] = [];
    const results: number[] = [];
    await new Promise<void>((resolve) =>
      of(1, 2, 3, 4)
        .pipe(latestWins(async (v) => v + 100, { onDrop: (v) => dropped.push(v) }))
        .subscribe({ next: (v) => results.push(v), complete: resolve }),
    );
    // 1 starts at once; 2 and 3 are replaced while 1 is pending; 4 runs last.
    expect(results).toEqual([101, 104]);
    expect(dropped).toEqual([2, 3]);
  });

  it("propagates an error of the consumer and unsubscribes the source", () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = hot("-a--b--|");
      const result = source.pipe(latestWins((v) => (v === "b" ? cold("-#") : cold("-(x|)", { x: v }))));
      expectObservable(result).toBe("--a--#");
      expectSubscriptions(source.subscriptions).toBe("^----!");
    });
  });

  it("unsubscribes the running consumer when the output is unsubscribed", () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = hot("-a-b-c-|");
      const inner = cold("-----x|");
      const result = source.pipe(latestWins(() => inner));
      expectObservable(result, "^---!").toBe("-----");
      expectSubscriptions(inner.subscriptions).toBe("-^--!");
    });
  });
});
