/** Quantile by linear interpolation on sorted data (q in [0, 1]). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

/** Median and interquartile range: robust to the odd slow round a shared machine produces. */
export interface Spread {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), p25: quantile(values, 0.25), p75: quantile(values, 0.75) };
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * 95% confidence interval of the median by the percentile bootstrap (2,000 resamples, seeded so
 * a report is reproducible): what the summary shows beside a ratio, so a goal "met" by noise
 * reads as such.
 */
export function medianInterval(values: readonly number[], random: () => number): [number, number] {
  if (values.length < 2) return [median(values), median(values)];
  const medians: number[] = [];
  const resample = new Array<number>(values.length);
  for (let b = 0; b < 2000; b++) {
    for (let i = 0; i < values.length; i++) resample[i] = values[Math.floor(random() * values.length)]!;
    medians.push(median(resample));
  }
  return [quantile(medians, 0.025), quantile(medians, 0.975)];
}
