import { loadavg } from 'node:os';
import { machineLine } from '@drizzle-shard/testing';

/**
 * The file `pnpm demo --record FILE` writes: when, on what, at which scale and how long, then the
 * summary table as printed. `pnpm readme:figures` copies it into the README, so the README's
 * figures are always a recorded run's.
 */
export function demoRecord(summary: readonly string[], scale: string, seconds: number): string {
  // The demo shares the machine's cores with whatever else runs: the load says how much.
  const load = loadavg()[0]!.toFixed(1);
  return [
    '<!-- Written by `pnpm demo --record bench/demo.md`; `pnpm readme:figures` copies it into the README. -->',
    '# `pnpm demo` run',
    '',
    `Recorded ${new Date().toISOString()} on ${machineLine()}, load average ${load} at the end; \`--scale ${scale}\`, done in ${seconds} s.`,
    '',
    '```',
    ...summary
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.trim())
      .map((l) => l.trimEnd()),
    '```',
    '',
  ].join('\n');
}
