import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { VariantResult } from './interleave.ts';
import { round } from './stats.ts';

export interface SuiteResult {
  readonly name: string;
  readonly title: string;
  /** What the baseline (ratio 1.00) is. */
  readonly baseline: string;
  readonly variants: readonly VariantResult[];
  /** Targets checked on the numbers, for the reader; the bench never fails on them. */
  readonly targets?: readonly { readonly variant: string; readonly maxTimeRatio: number }[];
  readonly notes?: readonly string[];
}

export interface BenchReport {
  readonly date: string;
  readonly size: string;
  readonly seed: number;
  readonly machine: Record<string, unknown>;
  readonly settings: Record<string, unknown>;
  readonly suites: SuiteResult[];
}

function targetCell(suite: SuiteResult, v: VariantResult): string {
  const target = suite.targets?.find((t) => t.variant === v.name);
  if (!target) return '';
  const ok = v.timeRatio.median <= target.maxTimeRatio;
  return `${ok ? 'met' : 'MISSED'} (≤ ${target.maxTimeRatio.toFixed(2)}×)`;
}

export function toMarkdown(report: BenchReport): string {
  const lines = [
    `# drizzle-shard benchmark (${report.size})`,
    '',
    `Measured ${report.date} on ${String(report.machine.cpu)} (${String(report.machine.cores)} cores, ${String(report.machine.memoryGiB)} GiB), Node ${String(report.machine.node)}, ${String(report.machine.postgres)}. Seed ${report.seed}.`,
    '',
    'Every variant runs once per round in a shuffled order; ratios are per-round ratios to the baseline, summarised by median [p25–p75]. The A/A row runs the baseline twice under two names: its spread is the noise floor of this run.',
    '',
  ];
  for (const suite of report.suites) {
    lines.push(`## ${suite.title}`, '', `Baseline (1.00×): ${suite.baseline}.`, '');
    const serverCpu = suite.variants.some((v) => v.serverCpuUs);
    lines.push(
      `| variant | time/op µs | time ratio | client CPU/op µs | CPU ratio |${serverCpu ? ' server CPU/op µs |' : ''} target |`,
    );
    lines.push(`|---|---:|---:|---:|---:|${serverCpu ? '---:|' : ''}---|`);
    for (const v of suite.variants) {
      const server = serverCpu ? ` ${v.serverCpuUs ? round(v.serverCpuUs.median, 1) : ''} |` : '';
      lines.push(
        `| ${v.name} | ${round(v.timeUs.median, 1)} | ${v.timeRatio.median.toFixed(3)} [${v.timeRatio.p25.toFixed(3)}–${v.timeRatio.p75.toFixed(3)}] | ${round(v.cpuUs.median, 1)} | ${v.cpuRatio.median.toFixed(3)} |${server} ${targetCell(suite, v)} |`,
      );
    }
    for (const note of suite.notes ?? []) lines.push('', note);
    lines.push('');
  }
  return lines.join('\n');
}

/** Writes `results.json` and `results.md` into `dir`. */
export function writeReport(dir: string, report: BenchReport): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'results.json');
  const markdown = path.join(dir, 'results.md');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, toMarkdown(report));
  return { json, markdown };
}
