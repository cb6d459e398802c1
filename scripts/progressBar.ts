// A progress bar on stderr for long work. On a terminal it redraws one line; elsewhere (CI, pipes)
// it prints one line per step so logs stay readable.

export interface ProgressBar {
  tick(label: string): void;
  done(): void;
}

export function progressBar(total: number, title: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  let count = 0;
  const started = performance.now();
  const width = 28;
  const render = (label: string): void => {
    const fraction = total === 0 ? 1 : count / total;
    const filled = Math.round(fraction * width);
    const elapsedS = (performance.now() - started) / 1000;
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    const line = `${title} ${bar} ${count}/${total} ${elapsedS.toFixed(1)} s  ${label}`;
    if (stream.isTTY) stream.write(`\r\x1b[2K${line}`);
    else stream.write(`${line}\n`);
  };
  return {
    tick(label: string) {
      count += 1;
      render(label);
    },
    done() {
      if (stream.isTTY) stream.write("\n");
    },
  };
}
