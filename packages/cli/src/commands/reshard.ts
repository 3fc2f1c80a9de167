import path from 'node:path';
import {
  isFlipped,
  type MoveState,
  moveStates,
  openReshard,
  planFromFleetMap,
  ReshardError,
  type ReshardPlan,
  readFleetMap,
  repinPlanFromFleetMap,
  reshardCutover,
  reshardRollback,
  shrinkPlanFromFleetMap,
  startReshard,
  verifyMoves,
} from '@drizzle-shard/ops';
import type { TenantOverride } from 'drizzle-shard';
import { numberOption, parseCommand, UsageError } from '../args.ts';
import type { Output } from '../output.ts';
import {
  fleetCommandFailed,
  fleetStep,
  pinsOption,
  syncLine,
  syncProgress,
  tablesFromConfig,
  writeVerifyReport,
} from './fleet-command-support.ts';

export const RESHARD_HELP = `drizzle-shard reshard [start|status|verify|cutover|rollback] --add SHARD_URL [--add …] [--to M]
drizzle-shard reshard [start|status|verify|cutover|rollback] --to M        (M below the fleet's count)
drizzle-shard reshard [start|status|verify|cutover|rollback] --pin TENANT_KEY=SHARD [--pin …]
                      [--config drizzle-shard.config.ts] [--map drizzle-shard.map.json]

Grows the sharded fleet in the fleet map (written by \`split cutover\`) by the --add shards (empty
databases; --to M checks the new count). Each old shard keeps its fair share of buckets and hands
the rest to the new shards (a modulo map grows to a multiple of its count). With --to M alone it
shrinks the fleet to its first M shards: the others hand all their buckets to the ones that stay,
each of which ends with its fair share (a modulo map shrinks to a divisor of its count); the
leaving shards end empty and out of the map. With --pin alone (every tenant the map pins, with
its shard; the same at every step) it moves only the pinned tenants whose shard changes, as units
of their own; a first pin moves a tenant off its bucket's owner. Growing and shrinking move buckets
around pinned tenants; a shard a tenant is pinned to cannot leave.

  start     (default) Checks everything first (exit 2 on bad input, nothing changed), creates the
            schema on the new shards, then for every move a row-filtered publication on the old
            owner and a subscription on the new one: PostgreSQL copies the moving buckets, then
            streams their changes while the app writes with the old map. Safe to run again.
  status    Per move: tables copying or ready, rows copied, replication lag.
  verify    Per moved bucket: counts and checksums, old owner against new (exact while writes pause).
  cutover   Blocks writes to the moving tables briefly, waits for every new shard to catch up,
            checks counts, writes the next fleet-map version, makes old owners refuse rows they gave
            away (SQLSTATE 25006, so an app on the old map retries with the new one), verifies every
            moved bucket, and only then deletes the moved rows from their old owners. Run again
            after a crash, it finishes what is left.
  rollback  Before the moved rows are deleted: points the fleet map back at the old layout; refused
            once the app wrote moved rows on their new owners (those writes would stay behind
            there) unless --force. Before the cutover: abandons the reshard (its replication and
            slots go).

Exit codes: 0 done, 1 failed or verification found differences, 2 bad input (nothing changed).
`;

async function planFrom(
  values: Record<string, unknown>,
  cwd: string,
  mapFile: string,
  pins: TenantOverride[],
): Promise<ReshardPlan> {
  const current = readFleetMap(mapFile);
  if (!current) {
    throw new ReshardError(
      'RESHARD_BAD_INPUT',
      `No fleet map at ${mapFile}; reshard grows the fleet a split wrote (give it with --map).`,
    );
  }
  const added = (values.add as string[] | undefined) ?? [];
  const tables = await tablesFromConfig(cwd, values.config as string | undefined);
  if (pins.length) return repinPlanFromFleetMap(current, pins, tables);
  if (added.length === 0) return shrinkPlanFromFleetMap(current, Number(values.to), tables);
  const plan = planFromFleetMap(current, added, tables);
  if (values.to !== undefined && Number(values.to) !== plan.shards.length) {
    throw new ReshardError(
      'RESHARD_BAD_INPUT',
      `--to ${values.to} does not match the fleet's ${plan.shards.length - added.length} shards plus ${added.length} --add; give one --add per new shard.`,
    );
  }
  return plan;
}

/** A move's sync state, labelled for the progress line. */
const labelMove = (m: MoveState) => ({ label: `move ${m.from}→${m.to}`, ...m });

export async function reshardCommand(argv: readonly string[], io: { out: Output; err: Output }, cwd: string) {
  const { step, args } = fleetStep(argv);
  const command = `reshard ${step}`;
  const { values } = parseCommand(command, RESHARD_HELP, {
    args,
    options: {
      add: { type: 'string', multiple: true },
      to: { type: 'string' },
      pin: { type: 'string', multiple: true },
      config: { type: 'string' },
      map: { type: 'string', default: 'drizzle-shard.map.json' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out.write(RESHARD_HELP);
    return 0;
  }
  numberOption(values.to, '--to', { command, help: RESHARD_HELP });
  const pins = pinsOption(values.pin, { command, help: RESHARD_HELP });
  if (pins.length && (values.add?.length || values.to !== undefined)) {
    throw new UsageError(
      command,
      '--pin moves pinned tenants on the same shards; give it without --add and --to',
      RESHARD_HELP,
    );
  }
  if (!pins.length && !values.add?.length && values.to === undefined) {
    throw new UsageError(
      command,
      'give each new shard with --add, or --to M to shrink the fleet',
      RESHARD_HELP,
    );
  }
  const mapFile = path.resolve(cwd, values.map);
  try {
    const plan = await planFrom(values, cwd, mapFile, pins);
    const moves = plan.moves.map(
      (m) => `${m.from}→${m.to} (${m.units.length} ${plan.unitMap.strategy.unitNoun})`,
    );
    if (step === 'start' && isFlipped(plan, readFleetMap(mapFile))) {
      io.out.write(
        `the new layout (${plan.fleet.length} shards) is already live; \`drizzle-shard reshard cutover\` finishes any cleanup left\n`,
      );
      return 0;
    }
    if (step === 'start') {
      io.out.write(
        `reshard ${plan.current.shards.length} → ${plan.fleet.length} shards, map epoch ${plan.map.toJSON().epoch}: moves ${moves.join(', ')}\n`,
      );
      const progress = syncProgress(io.out);
      await startReshard(plan, { onProgress: (s) => progress(s.map(labelMove)) });
      io.out.write(
        'every move is ready and follows its old owner; the app still uses the old map. Run `drizzle-shard reshard cutover` when ready.\n',
      );
      return 0;
    }
    const c = openReshard(plan);
    try {
      if (step === 'status') {
        const flipped = isFlipped(plan, readFleetMap(mapFile));
        if (!flipped) io.out.write(`  ${syncLine((await moveStates(plan, c.shards)).map(labelMove))}\n`);
        io.out.write(
          `fleet map: ${flipped ? `the new layout (${plan.fleet.length} shards) is live` : `still the old layout (${plan.current.shards.length} shards)`}\n`,
        );
        return 0;
      }
      if (step === 'rollback') {
        const flipped = isFlipped(plan, readFleetMap(mapFile));
        const map = await reshardRollback(plan, c.shards, mapFile, { force: values.force });
        io.out.write(
          flipped
            ? `fleet map version ${map.version}: back on ${map.shards.length} shards; old owners accept every row again\n`
            : `reshard abandoned before its cutover: its replication and slots are gone; fleet map version ${map.version} (${map.shards.length} shards) stays live\n`,
        );
        return 0;
      }
      if (step === 'verify') {
        const verify = await verifyMoves(plan, c.shards);
        writeVerifyReport(io.out, verify);
        return verify.ok ? 0 : 1;
      }
      const report = await reshardCutover(plan, c.shards, mapFile, {
        onCleanup: (shard, n) =>
          io.out.write(`  shard ${shard}: ${n.toLocaleString('en-US')} moved rows deleted\n`),
      });
      io.out.write(
        report.pauseMs > 0
          ? `cutover done: writes paused ${Math.round(report.pauseMs)} ms; fleet map version ${report.map.version} (${plan.fleet.length} shards)\n`
          : `resumed after the cutover: fleet map version ${report.map.version} (${plan.fleet.length} shards) was already live\n`,
      );
      writeVerifyReport(io.out, report.verify);
      if (!report.verify.ok) {
        io.out.write(
          'moved rows were kept on their old owners; check the buckets above, then `reshard rollback` or fix and run cutover again\n',
        );
        return 1;
      }
      const deleted = Object.entries(report.deleted);
      io.out.write(
        deleted.length
          ? `old owners cleaned: ${deleted.map(([s, n]) => `shard ${s} ${n.toLocaleString('en-US')} rows`).join(', ')}\n`
          : 'old owners were already clean\n',
      );
      return 0;
    } finally {
      await c.close();
    }
  } catch (error) {
    return fleetCommandFailed('reshard', error, io.err);
  }
}
