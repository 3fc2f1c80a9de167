import type { Output } from './output.ts';

const WIDTH = 24;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * A progress line per task (`shard 0`, `shard 1`…): bar, done/total, rate and ETA. On a TTY the
 * line is redrawn in place; elsewhere (CI logs, pipes) a line is written at most every
 * `everyMs` and when the task completes.
 */
export class ProgressLine {
  private started = Date.now();
  private lastWrite = 0;
  private label = '';

  constructor(
    private readonly out: Output,
    private readonly unit = 'rows',
    private readonly everyMs = 2000,
  ) {}

  update(label: string, done: number, total: number): void {
    if (label !== this.label) {
      this.finishLine();
      this.label = label;
      this.started = Date.now();
      this.lastWrite = 0;
    }
    const complete = done >= total;
    const now = Date.now();
    if (!this.out.isTTY && !complete && now - this.lastWrite < this.everyMs) return;
    this.lastWrite = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = done / seconds;
    const share = total > 0 ? Math.min(done / total, 1) : 1;
    const filled = Math.round(share * WIDTH);
    const eta = rate > 0 && !complete ? ` ETA ${Math.ceil((total - done) / rate)} s` : '';
    const line = `  ${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${fmt(done)}/${fmt(total)} ${this.unit} ${Math.round(share * 100)}% ${fmt(rate)} ${this.unit}/s${eta}`;
    this.out.write(this.out.isTTY ? `\r${line.padEnd(100)}` : `${line}\n`);
    if (complete) this.finishLine();
  }

  /** Ends the current TTY line so the next output starts on its own line. */
  finishLine(): void {
    if (this.out.isTTY && this.label) this.out.write('\n');
    this.label = '';
  }
}
