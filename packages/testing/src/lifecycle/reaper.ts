import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

/**
 * A detached shell that waits for EOF on a pipe held by this process, then runs the
 * cleanup lines it was given. The pipe closes however this process ends (return,
 * SIGTERM, SIGINT, SIGKILL, crash), so servers are never orphaned, and no signal handler
 * has to be installed in the user's process.
 */
export class Reaper {
  private readonly lines: string[] = [];
  private readonly child;

  constructor(private readonly scriptPath: string) {
    this.flush();
    this.child = spawn('/bin/sh', ['-c', `cat >/dev/null; sh ${shellQuote(scriptPath)} >/dev/null 2>&1`], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    this.child.unref();
    (this.child.stdin as unknown as { unref?: () => void }).unref?.();
  }

  /** Lines run in order; each may fail without stopping the rest. */
  add(line: string): void {
    this.lines.push(line);
    this.flush();
  }

  /** Like `add`, but runs before every line added so far (stop servers before removing their folders). */
  addFirst(line: string): void {
    this.lines.unshift(line);
    this.flush();
  }

  /** Runs after every line added so far except the last (the script's own removal). */
  addBeforeLast(line: string): void {
    this.lines.splice(Math.max(0, this.lines.length - 1), 0, line);
    this.flush();
  }

  /** The cleanup was done in-process: let the reaper exit with nothing to do. */
  dismiss(): void {
    this.lines.splice(0, this.lines.length, `rm -f ${shellQuote(this.scriptPath)}`);
    this.flush();
    this.child.stdin?.end();
  }

  private flush(): void {
    writeFileSync(this.scriptPath, `${this.lines.map((l) => `${l} || true`).join('\n')}\n`, { mode: 0o700 });
  }
}

export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
