import { seededRandom, shuffled } from './random.ts';
import { type Spread, spread } from './stats.ts';

/** One thing to measure: `op` is awaited `opsPerRound` times in a row per round. */
export interface Variant {
  readonly name: string;
  readonly op: (i: number) => Promise<unknown>;
  /** CPU seconds used so far by the servers this variant talks to, where they can be counted. */
  readonly serverCpuSeconds?: () => number;
}

export interface InterleaveOptions {
  readonly rounds: number;
  readonly opsPerRound: number;
  /** Rounds run first and thrown away (JIT, statement caches, connection set-up). */
  readonly warmupRounds: number;
  /** Ops in flight at once within a variant's turn. Default 1 (latency). */
  readonly concurrency?: number;
  readonly seed: number;
}

export interface VariantResult {
  readonly name: string;
  /** Wall time per op, microseconds, over rounds. */
  readonly timeUs: Spread;
  /** This process's CPU (user + system) per op, microseconds, over rounds. */
  readonly cpuUs: Spread;
  /** Per-round ratio of this variant's time per op to the baseline's, over rounds. */
  readonly timeRatio: Spread;
  readonly cpuRatio: Spread;
  /** The servers' CPU per op, microseconds, over rounds (variants with `serverCpuSeconds`). */
  readonly serverCpuUs?: Spread;
  /** Peak resident memory of the process that ran the variant, MB (suites that measure it). */
  readonly peakRssMb?: Spread;
  /** The figures of each measured round, paired by round across variants (for ratios to any variant). */
  readonly perRound: RoundSamples;
}

/** One variant's figures, one entry per measured round. */
export interface RoundSamples {
  readonly timeUs: number[];
  readonly cpuUs: number[];
  readonly serverCpuUs?: number[];
  readonly peakRssMb?: number[];
}

const ratios = (values: readonly number[], base: readonly number[]) => values.map((v, i) => v / base[i]!);

/**
 * Medians and quartiles of each variant's rounds, and its per-round ratios to the first variant
 * (the baseline): every variant ran once in each round, so round i of one pairs with round i of another.
 */
export function summarise(samples: ReadonlyMap<string, RoundSamples>): VariantResult[] {
  const [base] = samples.values();
  return [...samples].map(([name, s]) => ({
    name,
    timeUs: spread(s.timeUs),
    cpuUs: spread(s.cpuUs),
    timeRatio: spread(ratios(s.timeUs, base!.timeUs)),
    cpuRatio: spread(ratios(s.cpuUs, base!.cpuUs)),
    ...(s.serverCpuUs?.length ? { serverCpuUs: spread(s.serverCpuUs) } : {}),
    ...(s.peakRssMb?.length ? { peakRssMb: spread(s.peakRssMb) } : {}),
    perRound: s,
  }));
}

async function runTurn(variant: Variant, ops: number, concurrency: number, offset: number) {
  const cpu = process.cpuUsage();
  const serverCpu = variant.serverCpuSeconds?.();
  const start = process.hrtime.bigint();
  let next = 0;
  const worker = async () => {
    while (next < ops) {
      const i = next++;
      await variant.op(offset + i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallNs = Number(process.hrtime.bigint() - start);
  const used = process.cpuUsage(cpu);
  const serverCpuUs =
    serverCpu === undefined ? undefined : ((variant.serverCpuSeconds!() - serverCpu) * 1e6) / ops;
  return { timeUs: wallNs / 1000 / ops, cpuUs: (used.user + used.system) / ops, serverCpuUs };
}

/**
 * Runs every variant once per round in a freshly shuffled order, so drift in the machine
 * (other processes, caches, checkpoints) hits all variants alike; ratios are taken per round
 * against `variants[0]` (the baseline) and summarised by median and quartiles.
 */
export async function interleave(
  variants: readonly Variant[],
  options: InterleaveOptions,
): Promise<VariantResult[]> {
  const random = seededRandom(options.seed);
  const concurrency = options.concurrency ?? 1;
  const samples = new Map(
    variants.map((v) => [
      v.name,
      { timeUs: [] as number[], cpuUs: [] as number[], serverCpuUs: [] as number[] },
    ]),
  );
  let offset = 0;
  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    for (const variant of shuffled(variants, random)) {
      const turn = await runTurn(variant, options.opsPerRound, concurrency, offset);
      offset += options.opsPerRound;
      if (round < options.warmupRounds) continue;
      const s = samples.get(variant.name)!;
      s.timeUs.push(turn.timeUs);
      s.cpuUs.push(turn.cpuUs);
      if (turn.serverCpuUs !== undefined) s.serverCpuUs.push(turn.serverCpuUs);
    }
  }
  return summarise(samples);
}
