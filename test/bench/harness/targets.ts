import type { VariantResult } from './interleave.ts';
import { seededRandom } from './random.ts';
import { median, medianInterval } from './stats.ts';

/** `time`/`cpu`: a per-round ratio; `rss`: MB of peak resident memory above the reference. */
export type TargetMetric = 'time' | 'cpu' | 'rss';

/** A goal checked on a suite's numbers, for the reader: the bench never fails on it. */
export interface Target {
  /** The goal as the summary names it, e.g. `issue 19: fan-out over 4 shards, client CPU`. */
  readonly goal: string;
  readonly variant: string;
  readonly metric: TargetMetric;
  /** Upper bound of the ratio, or of the MB above the reference for `rss`. */
  readonly max: number;
  /** Lower bound of the ratio, for goals like "flat within 10%". */
  readonly min?: number;
  /** The variant the ratio is taken against, paired by round. Default: the suite's baseline. */
  readonly against?: string;
}

export interface TargetCheck {
  readonly goal: string;
  /** Title of the suite (table) the figures come from. */
  readonly suite: string;
  readonly variant: string;
  readonly against: string;
  readonly metric: TargetMetric;
  /** The bound as text, e.g. `≤ 1.50×`, `0.90–1.10×`, `≤ 20 MB above`. */
  readonly target: string;
  /** Median over rounds of the per-round ratio (or MB difference), and its bootstrap 95% CI. */
  readonly median: number;
  readonly interval: readonly [number, number];
  /** The same figure for the suite's A/A control against its baseline: the noise floor beside it. */
  readonly control?: number;
  readonly met: boolean;
  /** `met` or the gap: how far the median is from the bound. */
  readonly verdict: string;
}

const METRIC_LABEL: Record<TargetMetric, string> = { time: 'time', cpu: 'CPU', rss: 'peak RSS' };

function paired(metric: TargetMetric, variant: VariantResult, against: VariantResult): number[] {
  if (metric === 'rss') {
    const [a, b] = [variant.perRound.peakRssMb ?? [], against.perRound.peakRssMb ?? []];
    return a.map((v, i) => v - b[i]!);
  }
  const [a, b] =
    metric === 'time'
      ? [variant.perRound.timeUs, against.perRound.timeUs]
      : [variant.perRound.cpuUs, against.perRound.cpuUs];
  return a.map((v, i) => v / b[i]!);
}

/** `1.234×` for ratios, `+4.5 MB` for memory. */
export function formatMeasure(metric: TargetMetric, value: number): string {
  if (metric === 'rss') return `${value >= 0 ? '+' : ''}${value.toFixed(1)} MB`;
  return `${value.toFixed(3)}×`;
}

/** `client CPU`, `time` or `peak RSS`. */
export function metricLabel(metric: TargetMetric): string {
  return metric === 'cpu' ? 'client CPU' : METRIC_LABEL[metric];
}

function boundText(target: Target): string {
  if (target.metric === 'rss') return `≤ ${target.max} MB above`;
  if (target.min !== undefined) return `${target.min.toFixed(2)}–${target.max.toFixed(2)}×`;
  return `≤ ${target.max.toFixed(2)}×`;
}

/** `met`, or the gap: for a ratio bound, the cut in the variant's cost that would meet it. */
function verdictOf(target: Target, value: number): { met: boolean; verdict: string } {
  const measured = formatMeasure(target.metric, value);
  if (target.min !== undefined && value < target.min)
    return { met: false, verdict: `gap: ${measured}, below ${target.min.toFixed(2)}×` };
  if (value <= target.max) return { met: true, verdict: `met (${measured})` };
  if (target.metric === 'rss')
    return { met: false, verdict: `gap: ${measured}, ${(value - target.max).toFixed(1)} MB over` };
  const cut = (1 - target.max / value) * 100;
  return { met: false, verdict: `gap: ${measured}, needs −${cut.toFixed(cut < 10 ? 1 : 0)}%` };
}

/** Checks each target of a suite on its variants' per-round figures. */
export function checkTargets(
  suite: { readonly title: string; readonly variants: readonly VariantResult[] },
  targets: readonly Target[],
): TargetCheck[] {
  const byName = new Map(suite.variants.map((v) => [v.name, v]));
  const baseline = suite.variants[0]!;
  const control = suite.variants.find((v) => v.name.includes('(A/A control)'));
  return targets.map((target) => {
    const variant = byName.get(target.variant);
    const against = target.against ? byName.get(target.against) : baseline;
    if (!variant || !against)
      throw new Error(`${suite.title}: target names a variant the suite did not run (${target.variant})`);
    const values = paired(target.metric, variant, against);
    const value = median(values);
    return {
      goal: target.goal,
      suite: suite.title,
      variant: variant.name,
      against: against.name,
      metric: target.metric,
      target: boundText(target),
      median: value,
      interval: medianInterval(values, seededRandom(values.length)),
      ...(control ? { control: median(paired(target.metric, control, baseline)) } : {}),
      ...verdictOf(target, value),
    };
  });
}

/** The target column of a suite's table: each check of the variant, with what it is measured against. */
export function targetCell(checks: readonly TargetCheck[], variant: string, baseline: string): string {
  return checks
    .filter((c) => c.variant === variant)
    .map(
      (c) =>
        `${METRIC_LABEL[c.metric]} ${c.target}${c.against === baseline ? '' : ` vs ${c.against}`}: ${c.verdict}`,
    )
    .join('; ');
}
