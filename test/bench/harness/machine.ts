import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** What the numbers were measured on: they mean little without it. */
export function describeMachine() {
  let postgres = 'unknown';
  try {
    postgres = execFileSync('/usr/lib/postgresql/15/bin/postgres', ['--version'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    // Another PostgreSQL location: the cluster's own report has the version.
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
