import { type Cluster, runSql, startCluster, TestKitError } from '@drizzle-shard/testing';
import { shardedDrizzle } from 'drizzle-shard';
import type { Options, PostgresType } from 'postgres';
import { DDL, orders, schema } from '../../schema.ts';
import type { StageResult } from '../report.ts';
import type { DemoScale } from '../scale.ts';

/** Concurrent writers: the same client load for every configuration. */
export const WRITERS = 32;
/** CPUs per server: each server is a small fixed-size machine, leaving CPU for the load generator. */
export const CPU_PER_SERVER = 0.15;
/**
 * Connections per server, the same for every server (as a PgBouncer pool_size would make it).
 * Measured here: one 0.15-CPU server given 17 connections by 16 writers collapsed to 50–115
 * inserts/s, against 1,100–1,400/s with 4 (cgroup throttling while backends hold locks), so a
 * per-server pool that grows with the writer count would make one primary look far worse than
 * it is.
 */
export const CONNECTIONS_PER_SERVER = 4;

/**
 * The writers' pool per server: CONNECTIONS_PER_SERVER connections, each carrying one statement
 * at a time, as the seed's app pool (and most drivers) would. postgres.js otherwise pipelines up
 * to 100 statements per connection; with 32 writers on one server's 4 connections that batches
 * 8 inserts per wake-up and makes one primary look cheaper per insert than four servers with 2
 * each (measured: 1.65× → 2.35–2.51× for 4 shards, same rounds). `max_pipeline` is a postgres.js
 * option its type declarations omit.
 */
export const WRITER_POOL = {
  max: CONNECTIONS_PER_SERVER,
  max_pipeline: 1,
  onnotice: () => {},
} as Options<Record<string, PostgresType>>;

/**
 * A cluster whose servers each get `cpus` CPUs (a fixed-size machine), or, where cgroups are
 * unavailable, no limit (`limited: false`). Shared with the bench's write-scaling suite.
 */
export async function fixedSizeCluster(
  shards: number,
  cpus = CPU_PER_SERVER,
): Promise<{ cluster: Cluster; limited: boolean }> {
  const settings = { shared_buffers: '32MB' };
  try {
    return { cluster: await startCluster({ shards, settings, cpuQuota: cpus }), limited: true };
  } catch (error) {
    if (!(error instanceof TestKitError && error.code === 'KIT_CPU_QUOTA_UNSUPPORTED')) throw error;
    return { cluster: await startCluster({ shards, settings }), limited: false };
  }
}

/** CPU seconds the cluster's primaries used so far, from their cgroups (clusters with a CPU quota). */
export const primariesCpuSeconds = (cluster: Cluster) =>
  cluster.shards.reduce((sum, s) => sum + cluster.cpuUsage(s.primary).cpuSeconds, 0);

/** Single-row order inserts from `WRITERS` concurrent clients for `seconds`, spread over users. */
async function writesPerSecond(
  shards: number,
  seconds: number,
): Promise<{ rate: number; limited: boolean; serverCpuUs?: number }> {
  const { cluster, limited } = await fixedSizeCluster(shards);
  const db = shardedDrizzle({
    schema,
    shards: cluster.shards.map((s) => ({ primary: s.primary.url })),
    pool: WRITER_POOL,
  });
  try {
    for (const s of cluster.shards) await runSql(s.primary.url, DDL);
    const cpuBefore = limited ? primariesCpuSeconds(cluster) : 0;
    let next = 0;
    const deadline = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (Date.now() < deadline) {
          const id = ++next;
          await db.insert(orders).values({ id, userId: id % 10_000, status: 'new', total: '1.00' });
        }
      }),
    );
    if (!limited) return { rate: next / seconds, limited };
    return {
      rate: next / seconds,
      limited,
      serverCpuUs: ((primariesCpuSeconds(cluster) - cpuBefore) * 1e6) / next,
    };
  } finally {
    await db.close();
    await cluster.destroy();
  }
}

/** Stage 6: the same write load on one primary, then on four shards. */
export async function writeScalingStage(scale: DemoScale): Promise<StageResult> {
  const single = await writesPerSecond(1, scale.writeSeconds);
  const sharded = await writesPerSecond(4, scale.writeSeconds);
  const [one, four] = [single.rate, sharded.rate];
  const ratio = four / one;
  const note = single.limited
    ? `each server limited to ${CPU_PER_SERVER} CPU (cgroup), like a fixed-size machine`
    : 'no cgroup CPU limit here: all servers share this machine’s cores';
  return {
    stage: '6. Sharding',
    rows: [
      [`inserts/s (${WRITERS} writers)`, `1 primary: ${Math.round(one)}`, `4 shards: ${Math.round(four)}`],
      ['ratio', '1.00×', `${ratio.toFixed(2)}×`],
      ...(single.serverCpuUs !== undefined && sharded.serverCpuUs !== undefined
        ? [
            [
              'server CPU per insert',
              `${Math.round(single.serverCpuUs)} µs`,
              `${Math.round(sharded.serverCpuUs)} µs (4 servers on this machine's shared cores)`,
            ] as const,
          ]
        : []),
      ['servers', '', note],
    ],
    summary: {
      metric: 'write throughput',
      before: `${Math.round(one)}/s`,
      after: `${Math.round(four)}/s (${ratio.toFixed(2)}×)`,
    },
  };
}
