import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { VariantResult } from './interleave.ts';
import { round } from './stats.ts';
import {
  checkTargets,
  formatMeasure,
  metricLabel,
  type Target,
  type TargetCheck,
  targetCell,
} from './targets.ts';

export interface SuiteResult {
  readonly name: string;
  readonly title: string;
  /** What the baseline (ratio 1.00) is. */
  readonly baseline: string;
  readonly variants: readonly VariantResult[];
  /** Queries in flight at once in each variant's turn (1 when absent). */
  readonly inFlight?: number;
  /** Goals checked on the numbers, for the reader; the bench never fails on them. */
  readonly targets?: readonly Target[];
  readonly notes?: readonly string[];
}

export interface BenchReport {
  readonly date: string;
  readonly size: string;
  readonly seed: number;
  readonly machine: Record<string, unknown>;
  readonly settings: Record<string, unknown>;
  readonly suites: SuiteResult[];
  /** Every suite's targets checked, in suite order (written by {@link writeReport}). */
  readonly checks?: readonly TargetCheck[];
}

/** Title of the summary section at the top of results.md (scripts/readme-figures.ts copies it). */
export const GOALS_TITLE = 'Goals: target, measured, met or gap';

const checksOf = (suite: SuiteResult) => checkTargets(suite, suite.targets ?? []);

/** The summary at the top: every goal with its target, the measured median and 95% CI, met or the gap. */
function summaryLines(report: BenchReport): string[] {
  const inFlight = new Map(report.suites.map((s) => [s.title, s.inFlight ?? 1]));
  const checks = report.suites.flatMap(checksOf);
  if (checks.length === 0) return [];
  return [
    `## ${GOALS_TITLE}`,
    '',
    `${checks.filter((c) => c.met).length} of ${checks.length} met. Each row is the per-round ratio (for memory: MB difference) of a variant to what it is measured against (both ran in the same shuffled rounds), median over rounds with a bootstrap 95% CI; A/A is the same figure for the table's A/A control against its baseline (the noise floor). A gap says how much cheaper the variant must get to meet the target. Tables below, by the suite and variant named here.`,
    '',
    '| goal | in flight | variant vs reference | target | measured [95% CI] | A/A | result |',
    '|---|---:|---|---|---:|---:|---|',
    ...checks.map(
      (c) =>
        `| ${c.goal} | ${inFlight.get(c.suite)} | ${c.variant} vs ${c.against} | ${metricLabel(c.metric)} ${c.target} | ${formatMeasure(c.metric, c.median)} [${formatMeasure(c.metric, c.interval[0])}–${formatMeasure(c.metric, c.interval[1])}] | ${c.control === undefined ? '' : formatMeasure(c.metric, c.control)} | ${c.met ? 'met' : c.verdict} |`,
    ),
    '',
  ];
}

export function toMarkdown(report: BenchReport): string {
  const lines = [
    `# drizzle-shard benchmark (${report.size})`,
    '',
    `Measured ${report.date} on ${String(report.machine.cpu)} (${String(report.machine.cores)} cores, ${String(report.machine.memoryGiB)} GiB), Node ${String(report.machine.node)}, ${String(report.machine.postgres)}. Seed ${report.seed}.`,
    '',
    'Every variant runs once per round in a shuffled order; ratios are per-round ratios to the baseline, summarised by median [p25–p75]. The A/A row runs the baseline twice under two names: its spread is the noise floor of this run. "N queries in flight" tables run N ops at once per turn over pools of N connections per server: their time/op is the inverse of throughput.',
    '',
    ...summaryLines(report),
  ];
  for (const suite of report.suites) {
    lines.push(`## ${suite.title}`, '', `Baseline (1.00×): ${suite.baseline}.`, '');
    const serverCpu = suite.variants.some((v) => v.serverCpuUs);
    const rss = suite.variants.some((v) => v.peakRssMb);
    const checks = checksOf(suite);
    lines.push(
      `| variant | time/op µs | time ratio | client CPU/op µs | CPU ratio |${serverCpu ? ' server CPU/op µs |' : ''}${rss ? ' peak RSS MB |' : ''} target |`,
    );
    lines.push(`|---|---:|---:|---:|---:|${serverCpu ? '---:|' : ''}${rss ? '---:|' : ''}---|`);
    for (const v of suite.variants) {
      const server = serverCpu ? ` ${v.serverCpuUs ? round(v.serverCpuUs.median, 1) : ''} |` : '';
      const memory = rss ? ` ${v.peakRssMb ? round(v.peakRssMb.median, 1) : ''} |` : '';
      lines.push(
        `| ${v.name} | ${round(v.timeUs.median, 1)} | ${v.timeRatio.median.toFixed(3)} [${v.timeRatio.p25.toFixed(3)}–${v.timeRatio.p75.toFixed(3)}] | ${round(v.cpuUs.median, 1)} | ${v.cpuRatio.median.toFixed(3)} |${server}${memory} ${targetCell(checks, v.name, suite.variants[0]!.name)} |`,
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
  const checked: BenchReport = { ...report, checks: report.suites.flatMap(checksOf) };
  writeFileSync(json, `${JSON.stringify(checked, null, 2)}\n`);
  writeFileSync(markdown, toMarkdown(report));
  return { json, markdown };
}
