import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { GOALS_TITLE } from './bench/harness/report.ts';
import type { TargetCheck } from './bench/harness/targets.ts';

const run = promisify(execFile);

// The CI smoke: the benchmark runs end to end at a tiny size and writes well-formed numbers.
// It asserts the shape of the report and that every figure was measured, never how good the
// figures are (those are for `pnpm bench`).
it('pnpm bench --size tiny writes results.json and results.md with measured figures', async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
  try {
    await run(
      process.execPath,
      ['--import', 'tsx', 'test/bench/main.ts', '--size', 'tiny', '--out', out, '--seed', '7'],
      {
        cwd: path.resolve(import.meta.dirname, '..'),
      },
    );
    const report = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(report).toMatchObject({ size: 'tiny', seed: 7, machine: { cores: expect.any(Number) } });
    expect(report.suites.length).toBeGreaterThan(0);
    for (const suite of report.suites) {
      expect(suite.variants[0].timeRatio.median).toBe(1);
      expect(suite.variants.some((v: { name: string }) => v.name.includes('A/A'))).toBe(true);
      for (const v of suite.variants) {
        expect(v.timeUs.median, `${suite.name}/${v.name}`).toBeGreaterThan(0);
        expect(v.cpuUs.median, `${suite.name}/${v.name}`).toBeGreaterThan(0);
        expect(Number.isFinite(v.timeRatio.median)).toBe(true);
      }
    }
    const names = report.suites.map((s: { name: string }) => s.name);
    // Every read and insert suite at 1 and at 8 queries in flight (issue 19).
    for (const name of ['point-read', 'insert', 'replica-read', 'fanout-top20', 'fanout-count', 'fanout-sum'])
      expect(names).toEqual(expect.arrayContaining([`${name}@1`, `${name}@8`]));
    const memory = report.suites.find((s: { name: string }) => s.name === 'fanout-memory');
    for (const v of memory.variants) expect(v.peakRssMb.median, v.name).toBeGreaterThan(10);
    // Each goal of issue 19 (and issue 14's cached read) checked, with a measured median and a verdict.
    const checks: TargetCheck[] = report.checks;
    for (const goal of [
      'issue 19: fan-out over 2 shards, client CPU',
      'issue 19: fan-out over 4 shards, client CPU',
      'issue 19: fan-out over 4 shards, time',
      'issue 19: routed cached point read ≤ 1.10× raw prepared postgres.js',
      'issue 19: insert ≤ 1.15× raw prepared postgres.js',
      'issue 14: cached point read ≤ 0.5× plain drizzle',
      'issue 19: count(*) over 4 shards, client CPU',
      'issue 19: sum(total) over 4 shards, client CPU',
      'issue 19: GROUP BY status: count(*), sum(total) over 4 shards, client CPU',
      'issue 19: client CPU per insert flat (within 10%) from 1 to 2 and 4 shards',
    ])
      expect(checks.map((c) => c.goal)).toContain(goal);
    expect(checks.some((c) => c.metric === 'rss' && c.goal.includes('peak RSS'))).toBe(true);
    for (const c of checks) {
      expect(Number.isFinite(c.median), c.goal).toBe(true);
      expect(c.interval[0], c.goal).toBeLessThanOrEqual(c.median);
      expect(c.interval[1], c.goal).toBeGreaterThanOrEqual(c.median);
      expect(c.verdict, c.goal).toMatch(c.met ? /^met \(/ : /^gap: /);
    }
    const markdown = readFileSync(path.join(out, 'results.md'), 'utf8');
    expect(markdown).toContain(`## ${GOALS_TITLE}`);
    expect(markdown).toContain(`${checks.filter((c) => c.met).length} of ${checks.length} met.`);
    for (const suite of report.suites) expect(markdown).toContain(suite.title);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  // About a minute on an idle 2-core machine; the limit is room for one loaded by other runs.
}, 600_000);
