import { CodegenError, loadConfig, loadSchema } from '@drizzle-shard/codegen';
import {
  describeProblem,
  isSynced,
  OpsError,
  type SplitTable,
  type SubscriptionState,
  type VerifyReport,
} from '@drizzle-shard/ops';
import { isDrizzleShardError, redactText, type TenantOverride } from 'drizzle-shard';
import { UsageError } from '../args.ts';
import { CopyRates } from '../copy-rates.ts';
import type { Output } from '../output.ts';

/** The tables a split or reshard moves, from the schema the config names (sharded(), reference()). */
export async function tablesFromConfig(cwd: string, configFile: string | undefined): Promise<SplitTable[]> {
  const config = await loadConfig(cwd, configFile);
  return (await loadSchema(config.schemaFiles)).map((t) => ({
    name: t.name,
    kind: t.sharding,
    ...(t.keyColumn ? { keyColumn: t.keyColumn, keyKind: t.keyKind! } : {}),
  }));
}

/** A verification report as lines: per table, then up to 20 problems, then the verdict. */
export function writeVerifyReport(out: Output, verify: VerifyReport): void {
  for (const t of verify.tables) out.write(`  ${t.table}: ${t.rows} rows in ${t.units} buckets checked\n`);
  for (const p of verify.problems.slice(0, 20)) {
    out.write(
      `  ! ${describeProblem(p)}: source ${p.source?.rows ?? 0} rows, shard ${p.target?.rows ?? 0}\n`,
    );
  }
  out.write(verify.ok ? 'verified: every bucket matches\n' : `${verify.problems.length} difference(s)\n`);
}

/**
 * One line for the copies under way: per subscription, tables ready, each running copy (rows of
 * the expected, MB/s and ETA once `rates` has seen it before), and replication lag.
 */
export function syncLine(
  states: readonly (SubscriptionState & { readonly label: string })[],
  rates = new CopyRates(),
): string {
  return states
    .map((s) => {
      const copying = Object.entries(s.copying).map(([t, copy]) => rates.describe(s.label, t, copy));
      const done = Object.values(s.tables).filter(isSynced).length;
      return `${s.label}: ${done}/${Object.keys(s.tables).length} tables ready${copying.length ? `, copying ${copying.join(', ')}` : ''}, lag ${Math.round(s.lagBytes / 1024)} KiB`;
    })
    .join(' | ');
}

/** Codes that mean bad input: the command changed nothing (exit 2). */
const BAD_INPUT = new Set([
  'SPLIT_BAD_INPUT',
  'SPLIT_SOURCE_UNSUPPORTED',
  'SPLIT_TARGET_NOT_EMPTY',
  'RESHARD_BAD_INPUT',
  'RESHARD_TARGET_NOT_EMPTY',
]);

/** Reports a split or reshard failure on stderr and returns the exit code: 2 bad input, else 1. */
export function fleetCommandFailed(command: string, error: unknown, err: Output): number {
  if (error instanceof CodegenError) {
    err.write(`drizzle-shard ${command}: ${error.message}\n`);
    return 2;
  }
  if (isDrizzleShardError(error, 'CONFIG_INVALID')) {
    err.write(`drizzle-shard ${command}: ${error.message} [${error.code}]\n`); // a bad --pin: nothing changed
    return 2;
  }
  if (error instanceof OpsError) {
    err.write(`drizzle-shard ${command}: ${error.message} [${error.code}]\n`);
    return BAD_INPUT.has(error.code) ? 2 : 1;
  }
  err.write(`drizzle-shard ${command}: ${redactText((error as Error).message)}\n`);
  return 1;
}

/** The steps `split` and `reshard` take, `start` when none is named. */
const FLEET_STEPS = ['start', 'status', 'verify', 'cutover', 'rollback'] as const;
export type FleetStep = (typeof FLEET_STEPS)[number];

/** The step named first in `argv` (default `start`) and the arguments after it. */
export function fleetStep(argv: readonly string[]): { step: FleetStep; args: string[] } {
  const named = FLEET_STEPS.find((s) => s === argv[0]);
  return named ? { step: named, args: argv.slice(1) } : { step: 'start', args: [...argv] };
}

/**
 * A progress printer for copies under way: a sync line at most every 2 s, and once when all are
 * ready, with rates measured between the lines it printed.
 */
export function syncProgress(out: Output) {
  let last = 0;
  const rates = new CopyRates();
  return (states: readonly (SubscriptionState & { readonly label: string })[]) => {
    if (Date.now() - last < 2000 && !states.every((s) => s.ready)) return;
    last = Date.now();
    out.write(`  ${syncLine(states, rates)}\n`);
  };
}

/** `--pin KEY=SHARD` options as tenant overrides (the key as written: the map checks it against the schema). */
export function pinsOption(
  pins: readonly string[] | undefined,
  usage: { command: string; help: string },
): TenantOverride[] {
  return (pins ?? []).map((pin) => {
    const at = pin.lastIndexOf('=');
    const shard = Number(pin.slice(at + 1));
    if (at < 1 || !/^\d+$/.test(pin.slice(at + 1)))
      throw new UsageError(
        usage.command,
        `--pin takes KEY=SHARD (a shard number), got ${JSON.stringify(pin)}`,
        usage.help,
      );
    return { key: pin.slice(0, at), shard };
  });
}
