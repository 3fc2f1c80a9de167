import path from 'node:path';
import {
  checkMapKeys,
  cutover,
  openSplit,
  readFleetMap,
  rollback,
  type SplitPlan,
  startSplit,
  syncStates,
  type TargetSyncState,
  verifySplit,
} from '@drizzle-shard/ops';
import { ShardMap, type TenantOverride } from 'drizzle-shard';
import { parseCommand, UsageError } from '../args.ts';
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

export const SPLIT_HELP = `drizzle-shard split [start|status|verify|cutover|rollback] --from SOURCE_URL --to SHARD_URL [--to …]
                    [--config drizzle-shard.config.ts] [--map drizzle-shard.map.json] [--modulo]
                    [--pin TENANT_KEY=SHARD …]

  start     (default) Checks everything first (nothing changes on bad input: exit 2), creates the
            schema on the targets (pg_dump of the source), then one publication per target on the
            source (row filters on the shard map) and one subscription per target: PostgreSQL copies
            each shard's rows, then streams the source's changes while the app still writes to it.
            Prints progress until every target is ready. Safe to run again at any point.
  status    Per target: tables copying or ready, rows copied, replication lag.
  verify    Per table and bucket: counts and checksums, source against targets (exact when the
            source is not changing; at cutover this runs by itself).
  cutover   Blocks writes to the split tables briefly, waits for every target to catch up, checks
            counts, carries sequences over, writes the next fleet-map version (mode "sharded"),
            leaves the source read-only, then verifies every bucket. Prints the write pause.
  rollback  Points the fleet map back at the source and makes it writable again; refused while
            the shards differ from the frozen source (writes made since the cutover would be
            lost), naming where, unless --force.

Tables and shard keys come from the schema named in --config (sharded(), reference(); other tables
stay on shard 0). The map is hash-based over the --to shards (--modulo: the seed's key % N);
--pin KEY=SHARD (repeatable, the same at every step) pins a tenant to a shard on top of the buckets.
Exit codes: 0 done, 1 failed or verification found differences, 2 bad input (nothing changed).
`;

async function planFrom(
  values: Record<string, unknown>,
  cwd: string,
  pins: TenantOverride[],
): Promise<SplitPlan> {
  const targets = values.to as string[];
  const hash = ShardMap.hash({ shards: targets.length });
  const plan: SplitPlan = {
    source: values.from as string,
    targets,
    map: values.modulo ? ShardMap.modulo(targets.length) : pins.length ? hash.withOverrides(pins) : hash,
    tables: await tablesFromConfig(cwd, values.config as string | undefined),
  };
  checkMapKeys(plan.map, plan.tables); // every step: a --pin the schema's key cannot hold is bad input
  return plan;
}

/** A target's sync state, labelled for the progress line. */
const labelShard = (t: TargetSyncState) => ({ label: `shard ${t.shard}`, ...t });

export async function splitCommand(argv: readonly string[], io: { out: Output; err: Output }, cwd: string) {
  const { step, args } = fleetStep(argv);
  const { values } = parseCommand(`split ${step}`, SPLIT_HELP, {
    args,
    options: {
      from: { type: 'string' },
      to: { type: 'string', multiple: true },
      config: { type: 'string' },
      map: { type: 'string', default: 'drizzle-shard.map.json' },
      modulo: { type: 'boolean', default: false },
      pin: { type: 'string', multiple: true },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out.write(SPLIT_HELP);
    return 0;
  }
  if (!values.from || !values.to?.length) {
    throw new UsageError(`split ${step}`, 'give the source with --from and each shard with --to', SPLIT_HELP);
  }
  const usage = { command: `split ${step}`, help: SPLIT_HELP };
  const pins = pinsOption(values.pin, usage);
  if (pins.length && values.modulo)
    throw new UsageError(
      usage.command,
      '--pin pins tenants on top of hash buckets; drop --modulo',
      SPLIT_HELP,
    );
  const mapFile = path.resolve(cwd, values.map);
  try {
    const plan = await planFrom(values, cwd, pins);
    if (step === 'start') {
      const progress = syncProgress(io.out);
      const states = await startSplit(plan, { mapFile, onProgress: (s) => progress(s.map(labelShard)) });
      io.out.write(
        `every target is ready (${states.length} shards, ${plan.tables.length} tables) and follows the source; the app still writes to the source. Run \`drizzle-shard split cutover\` when ready.\n`,
      );
      return 0;
    }
    const c = openSplit(plan);
    try {
      if (step === 'rollback') {
        const map = await rollback(plan, c.source, c.targets, mapFile, { force: values.force });
        io.out.write(`fleet map version ${map.version}: back on the source, which is writable again\n`);
        return 0;
      }
      if (step === 'status') {
        io.out.write(`  ${syncLine((await syncStates(plan, c.source, c.targets)).map(labelShard))}\n`);
        io.out.write(`fleet map: ${readFleetMap(mapFile)?.mode ?? 'not written yet'}\n`);
        return 0;
      }
      const report =
        step === 'verify'
          ? { verify: await verifySplit(plan, c.source, c.targets) }
          : await cutover(plan, c.source, c.marker, c.targets, mapFile);
      if ('pauseMs' in report) {
        io.out.write(
          `cutover done: writes paused ${Math.round(report.pauseMs)} ms; fleet map version ${report.map.version} (sharded); the source is read-only and untouched\n`,
        );
      }
      writeVerifyReport(io.out, report.verify);
      return report.verify.ok ? 0 : 1;
    } finally {
      await c.close();
    }
  } catch (error) {
    return fleetCommandFailed('split', error, io.err);
  }
}
