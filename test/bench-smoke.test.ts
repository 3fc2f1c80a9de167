import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

// The CI smoke: the benchmark runs end to end at a tiny size and writes well-formed numbers.
// It asserts the shape of the report, never the figures (those are for `pnpm bench`).
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
    const markdown = readFileSync(path.join(out, 'results.md'), 'utf8');
    for (const suite of report.suites) expect(markdown).toContain(suite.title);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
