// `pnpm demo [--scale tiny|small|medium]`: the seed's scaling journey on a local cluster started by
// the test kit (system PostgreSQL binaries; no Docker), each stage measured live, before and after.
import { parseArgs } from 'node:util';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { shardedDrizzle } from 'drizzle-shard';
import { DDL, schema } from '../schema.ts';
import { basics } from './basics.ts';
import { printStage, printSummary, type StageResult } from './report.ts';
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

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { scale: { type: 'string', default: 'small' } } });
  const scale = SCALES[values.scale as keyof typeof SCALES];
  if (!scale) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`);
  const started = Date.now();
  log(
    `drizzle-shard demo (--scale ${scale.name}): starting 2 shards × (primary + 2 replicas), PgBouncer in front of each…`,
  );
  // A small max_connections, like the seed's database when 25 API instances each opened 20.
  cluster = await startCluster({
    shards: 2,
    replicas: 2,
    pgbouncer: { poolSize: 10 },
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
    () => connectionStage(cluster!, scale),
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
  log(
    `\nDone in ${((Date.now() - started) / 1000).toFixed(0)} s; every server was stopped and its data removed.`,
  );
}

main().then(
  () => shutdown(0),
  (error: unknown) => {
    console.error(error);
    return shutdown(1);
  },
);
