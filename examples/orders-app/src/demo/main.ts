// `pnpm demo [--scale tiny|small|medium]`: the seed's scaling journey on a local cluster started by
// the test kit (system PostgreSQL binaries; no Docker), each stage measured live, before and after.
// A preflight checks (and as root on Debian installs) the binaries first; without PgBouncer,
// stage 1 is skipped and the rest still runs. Failures print one line; DEBUG=drizzle-shard or
// --verbose adds the stack.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Cluster, runSql, startCluster, TestKitError } from '@drizzle-shard/testing';
import { shardedDrizzle } from 'drizzle-shard';
import { DDL, schema } from '../schema.ts';
import { basics } from './basics.ts';
import { PreflightError, pgBouncerInstallHint, preflight } from './preflight.ts';
import { demoRecord } from './record.ts';
import { printStage, printSummary, type StageResult, skippedStage } from './report.ts';
import { SCALES } from './scale.ts';
import { analyticsOffloadStage } from './stages/analytics-offload.ts';
import { connectionStage } from './stages/connections.ts';
import { indexStage } from './stages/index-stage.ts';
import { replicaStage } from './stages/replicas.ts';
import { stalenessStage } from './stages/staleness.ts';
import { writeScalingStage } from './stages/write-scaling.ts';

let cluster: Cluster | undefined;
const log = (line: string) => console.log(line);

async function shutdown(code: number): Promise<never> {
  await cluster?.destroy();
  process.exit(code);
}
process.once('SIGINT', () => void shutdown(130));
process.once('SIGTERM', () => void shutdown(143));

const USAGE = `Usage: pnpm demo [--scale ${Object.keys(SCALES).join('|')}] [--record FILE] [--verbose]
  --scale    data and load sizes (default small, or DRIZZLE_SHARD_DEMO_SCALE); tiny is the quickest
  --record   also write the summary, date and machine to FILE (bench/demo.md feeds the README)
  --verbose  print the stack of a failure (also DEBUG=drizzle-shard)
Environment: DRIZZLE_SHARD_DEMO_INSTALL=0 never installs system packages; PG_BIN, PGBOUNCER_BIN
point the binary lookup at a folder or a file.
`;

/** Bad arguments: one line and the usage on stderr, exit 2. */
class UsageError extends Error {}

const verbose = process.argv.includes('--verbose') || /\bdrizzle-shard\b/.test(process.env.DEBUG ?? '');

function options() {
  let values: { scale?: string; record?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        scale: { type: 'string', default: process.env.DRIZZLE_SHARD_DEMO_SCALE || 'small' },
        record: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const scale = SCALES[values.scale as keyof typeof SCALES];
  if (!values.help && !scale) {
    throw new UsageError(`unknown --scale '${values.scale}': use one of ${Object.keys(SCALES).join(', ')}`);
  }
  return { scale: scale!, record: values.record, help: values.help };
}

async function main(): Promise<void> {
  const { scale, record, help } = options();
  if (help) {
    process.stdout.write(USAGE);
    return;
  }
  const started = Date.now();
  const machine = preflight(log);
  log(
    `drizzle-shard demo (--scale ${scale.name}): starting 2 shards × (primary + 2 replicas)${machine.pgbouncer ? ', PgBouncer in front of each' : ''}…`,
  );
  // A small max_connections, like the seed's database when 25 API instances each opened 20.
  cluster = await startCluster({
    shards: 2,
    replicas: 2,
    pgbouncer: machine.pgbouncer ? { poolSize: 10 } : false,
    settings: { max_connections: 30, shared_buffers: '32MB' },
  });
  for (const shard of cluster.shards) await runSql(shard.primary.url, DDL);
  const db = shardedDrizzle({
    schema,
    shards: cluster.shards.map((s) => ({ primary: s.primary.url })),
    pool: { max: 4 },
  });
  log('\n0. Sharding by user id');
  await basics(cluster, db, log);
  await db.close();

  const results: StageResult[] = [];
  const stage = async (title: string, run: () => Promise<StageResult>) => {
    log(`\n${title}`);
    const result = await run();
    printStage(result, log);
    results.push(result);
  };
  await stage(
    `1. Connection exhaustion: ${scale.connectionClients} clients each opening a connection (max_connections 30), then through PgBouncer`,
    async () =>
      machine.pgbouncer
        ? connectionStage(cluster!, scale)
        : skippedStage(
            '1. PgBouncer',
            'connection errors',
            `PgBouncer is not installed (${pgBouncerInstallHint()}); the other stages do not need it`,
          ),
  );
  await stage('2. Read replicas: where the reads of a 95/5 read/write mix go', () =>
    replicaStage(cluster!, scale),
  );
  await stage('3. Stale reads after a password change, replicas 1 s behind', () =>
    stalenessStage(cluster!, scale),
  );
  await stage("4. The seed's slow query and the index `drizzle-shard generate` recommends", () =>
    indexStage(cluster!, scale),
  );
  await stage(
    '5. Analytics offload: events older than 90 days into a DuckDB archive (`drizzle-shard archive`)',
    () => analyticsOffloadStage(cluster!, scale, log),
  );
  await cluster.destroy();
  cluster = undefined;
  await stage('6. Write throughput: 1 primary vs 4 shards, same client load', () => writeScalingStage(scale));

  printSummary(results, log);
  const seconds = Math.round((Date.now() - started) / 1000);
  log(`\nDone in ${seconds} s; every server was stopped and its data removed.`);
  if (record) {
    const summary: string[] = [];
    printSummary(results, (line) => summary.push(line));
    writeFileSync(record, demoRecord(summary, scale.name, seconds));
    log(`Summary recorded in ${record}.`);
  }
}

main().then(
  () => shutdown(0),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`pnpm demo: ${error.message}\n${USAGE}`);
      return shutdown(2);
    }
    const known = error instanceof PreflightError || error instanceof TestKitError;
    process.stderr.write(
      `pnpm demo: ${known ? '' : 'stopped: '}${(error as Error).message ?? String(error)}\n${verbose ? `${(error as Error).stack}\n` : 'Run again with --verbose (or DEBUG=drizzle-shard) for the stack.\n'}`,
    );
    return shutdown(1);
  },
);
