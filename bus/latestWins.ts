import { from, Observable, type ObservableInput, type OperatorFunction, type Subscription } from "rxjs";

/** Options of {@link latestWins}. */
export interface LatestWinsConfig<T> {
  /**
   * Called once for every value that is discarded because a newer one replaced it while the
   * consumer was busy. Wire it to a drop counter (`BusHealth.recordConsumerDrop`) so the drops show
   * on `/diagnostics`. Never called for the value that is finally processed.
   */
  readonly onDrop?: (dropped: T) => void;
}

/**
 * Runs an asynchronous consumer on each value, one at a time, and keeps at most ONE value waiting
 * while the consumer is busy: a newer value replaces the waiting one (reported through `onDrop`).
 * Like `exhaustMap`, but the newest value that arrived during the busy period is processed
 * afterwards instead of being lost; like `concatMap`, but the queue is one element long, so a slow
 * consumer never builds up a backlog (latest-delivery topics).
 *
 * The output completes when the source has completed and the running and waiting work is done.
 *
 * @example
 * ```ts
 * bus.topic("/perception/tracks").pipe(
 *   latestWins((e) => predictor.update(e.message), { onDrop: () => health.recordConsumerDrop("/perception/tracks") }),
 * ).subscribe((agents) => bus.publish("/prediction/agents", agents, agents.stampNs));
 * ```
 */
export function latestWins<T, R>(
  project: (value: T, index: number) => ObservableInput<R>,
  config: LatestWinsConfig<T> = {},
): OperatorFunction<T, R> {
  const { onDrop } = config;
  return (source) =>
    new Observable<R>((subscriber) => {
      let index = 0;
      let busy = false;
      let hasPending = false;
      let pending: T | undefined;
      let sourceDone = false;
      let inner: Subscription | undefined;

      const completeIfDone = (): void => {
        if (sourceDone && !busy && !hasPending) subscriber.complete();
      };

      const run = (value: T): void => {
        busy = true;
        let finishedSynchronously = false;
        const sub = from(project(value, index++)).subscribe({
          next: (r) => subscriber.next(r),
          error: (e) => subscriber.error(e),
          complete: () => {
            finishedSynchronously = true;
            inner = undefined;
            busy = false;
            if (hasPending) {
              const next = pending as T;
              hasPending = false;
              pending = undefined;
              run(next);
            } else {
              completeIfDone();
            }
          },
        });
        if (!finishedSynchronously && busy) inner = sub;
      };

      const sourceSub = source.subscribe({
        next: (value) => {
          if (!busy) {
            run(value);
            return;
          }
          if (hasPending) onDrop?.(pending as T);
          pending = value;
          hasPending = true;
        },
        error: (e) => subscriber.error(e),
        complete: () => {
          sourceDone = true;
          completeIfDone();
        },
      });

      return () => {
        sourceSub.unsubscribe();
        inner?.unsubscribe();
        pending = undefined;
        hasPending = false;
      };
    });
}
