import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchBlock, demoBlock, generatedReadme, withFigures } from '../scripts/readme-figures.ts';
import { GOALS_TITLE } from './bench/harness/report.ts';

const root = new URL('../', import.meta.url);

describe('README figures come from recorded runs', () => {
  it('the README holds exactly what bench/demo.md and bench/results.md give (pnpm readme:figures)', () => {
    expect(readFileSync(new URL('README.md', root), 'utf8')).toBe(generatedReadme(root));
  });

  it('the demo block carries the run date, machine and summary rows', () => {
    const block = demoBlock(
      'Recorded 2026-01-02T03:04:05.000Z on CPU (2 cores, 4 GiB), Node v20, postgres 15; `--scale small`, done in 48 s.\n\n```\n  6. Sharding  │  write throughput  │  1/s  │  2/s (2.00×)\n```\n',
    );
    expect(block).toContain('recorded 2026-01-02T03:04:05.000Z on CPU (2 cores, 4 GiB)');
    expect(block).toContain('done in 48 s');
    expect(block).toContain('2/s (2.00×)');
  });

  it('the bench block keeps measured variants, drops the baseline and the A/A control', () => {
    const block = benchBlock(
      [
        'Measured 2026-01-02 on CPU (2 cores). Seed 7.',
        '## Point read',
        '| variant | time/op µs | time ratio | client CPU/op µs | CPU ratio | target |',
        '| plain | 1 | 1.000 [1.000–1.000] | 1 | 1.000 |  |',
        '| plain (A/A control) | 1 | 1.010 [0.9–1.1] | 1 | 1.000 |  |',
        '| routed | 1 | 0.800 [0.7–0.9] | 1 | 0.750 | met (≤ 1.05×) |',
        'Throughput (median round): 4 shards: 3603/s (2.30×).',
      ].join('\n'),
    );
    expect(block).toMatch(/^Measured 2026-01-02 on CPU \(2 cores\)\. Full tables/);
    expect(block).toContain('| Point read | routed | 0.800 [0.7–0.9] | 0.750 | met (≤ 1.05×) |');
    expect(block).not.toContain('A/A');
    expect(block).not.toContain('| plain |');
    expect(block).toContain('- Point read: Throughput (median round): 4 shards: 3603/s (2.30×).');
  });

  it("the bench block starts with the run's goals section, kept whole and out of the variant rows", () => {
    const block = benchBlock(
      [
        'Measured 2026-01-02 on CPU (2 cores). Seed 7.',
        '',
        `## ${GOALS_TITLE}`,
        '',
        '1 of 2 met.',
        '',
        '| goal | measured in | target | measured, median [95% CI] | result |',
        '| fan-out CPU | Fan-out: 4 shards vs plain | client CPU ≤ 1.50× | 4.07× [3.90×–4.20×] | gap: 4.07×, needs −63% |',
        '',
        '## Fan-out',
        '| variant | time/op µs | time ratio | client CPU/op µs | CPU ratio | target |',
        '| plain | 1 | 1.000 [1.000–1.000] | 1 | 1.000 |  |',
        '| 4 shards | 1 | 3.500 [3.0–3.8] | 1 | 4.070 | CPU ≤ 1.50×: gap: 4.07×, needs −63% |',
      ].join('\n'),
    );
    const [goals, variants] = block.split('| suite | variant |');
    expect(goals).toContain('1 of 2 met.');
    expect(goals).toContain(
      '| fan-out CPU | Fan-out: 4 shards vs plain | client CPU ≤ 1.50× | 4.07× [3.90×–4.20×] |',
    );
    expect(variants).not.toContain('fan-out CPU');
    expect(variants).toContain(
      '| Fan-out | 4 shards | 3.500 [3.0–3.8] | 4.070 | CPU ≤ 1.50×: gap: 4.07×, needs −63% |',
    );
  });

  it('refuses a README without the markers', () => {
    expect(() => withFigures('no markers', { 'demo-summary': 'x' })).toThrow(
      /lacks the demo-summary markers/,
    );
  });
});
