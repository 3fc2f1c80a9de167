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
    variants.map((v) => [v.name, { time: [] as number[], cpu: [] as number[], serverCpu: [] as number[] }]),
  );
  let offset = 0;
  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    for (const variant of shuffled(variants, random)) {
      const turn = await runTurn(variant, options.opsPerRound, concurrency, offset);
      offset += options.opsPerRound;
      if (round < options.warmupRounds) continue;
      samples.get(variant.name)!.time.push(turn.timeUs);
      samples.get(variant.name)!.cpu.push(turn.cpuUs);
      if (turn.serverCpuUs !== undefined) samples.get(variant.name)!.serverCpu.push(turn.serverCpuUs);
    }
  }
  const base = samples.get(variants[0]!.name)!;
  return variants.map((v) => {
    const s = samples.get(v.name)!;
    return {
      name: v.name,
      timeUs: spread(s.time),
      cpuUs: spread(s.cpu),
      timeRatio: spread(s.time.map((t, i) => t / base.time[i]!)),
      cpuRatio: spread(s.cpu.map((c, i) => c / base.cpu[i]!)),
      ...(s.serverCpu.length > 0 ? { serverCpuUs: spread(s.serverCpu) } : {}),
    };
  });
}
