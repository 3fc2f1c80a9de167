import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import { findPostgresBinaries } from '../postgres/binaries.ts';

/** The machine a measurement ran on. */
export type MachineDescription = {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** `postgres --version` of the binaries the kit uses, or 'unknown'. */
  readonly postgres: string;
};

/**
 * What the numbers were measured on (they mean little without it): CPU, cores, memory, OS,
 * Node, and the version of the PostgreSQL binaries the kit would start.
 *
 * @example
 * const m = describeMachine();
 * console.log(`${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), ${m.postgres}`);
 */
export function describeMachine(): MachineDescription {
  let postgres = 'unknown';
  try {
    postgres = execFileSync(join(findPostgresBinaries().binDir, 'postgres'), ['--version'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    // No binaries found: the version stays unknown rather than failing a report.
  }
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres,
  };
}

/** The one-line form used by the bench and demo reports. */
export function machineLine(m: MachineDescription = describeMachine()): string {
  return `${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), Node ${m.node}, ${m.postgres}`;
}
