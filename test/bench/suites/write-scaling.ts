import { type Cluster, runSql } from '@drizzle-shard/testing';
import { type ShardedDatabase, shardedDrizzle } from 'drizzle-shard';
import {
  CPU_PER_SERVER,
  fixedSizeCluster,
  primariesCpuSeconds,
  WRITER_POOL,
  WRITERS,
} from '../../../examples/orders-app/src/demo/stages/write-scaling.ts';
import { DDL, orders, schema } from '../../../examples/orders-app/src/schema.ts';
import { interleave } from '../harness/interleave.ts';
import type { Target } from '../harness/targets.ts';
import type { Suite } from './context.ts';

const FLAT = 'issue 19: client CPU per insert flat (within 10%) from 1 to 2 and 4 shards';
const TARGETS: Target[] = [
  { goal: FLAT, variant: '2 shards', metric: 'cpu', min: 0.9, max: 1.1 },
  { goal: FLAT, variant: '4 shards', metric: 'cpu', min: 0.9, max: 1.1 },
  // Time per op at WRITERS in flight is 1/throughput: ≥ 3× throughput is ≤ 1/3 the time.
  {
    goal: 'issue 6 (closed, bound by this machine): 4 shards ≥ 3× the write throughput of one primary',
    variant: '4 shards',
    metric: 'time',
    max: 1 / 3,
  },
];

/**
 * Write throughput 1 → 2 → 4 shards under the same client load: WRITERS concurrent writers of
 * single-row orders, CONNECTIONS_PER_SERVER connections to each server, one statement per
 * connection at a time. Each server is a fixed-size machine (CPU_PER_SERVER via cgroups where
 * available, so the load generator is not the limit), and its own CPU per insert is read from
 * its cgroup. Time per op at WRITERS in flight is 1/throughput, so time ratios are inverse
 * throughput ratios.
 */
export const writeScalingSuite: Suite = async ({ size, rounds, log }) => {
  const clusters: Cluster[] = [];
  const dbs: ShardedDatabase<typeof schema>[] = [];
  let limited = true;
  const open = async (shards: number) => {
    const started = await fixedSizeCluster(shards, CPU_PER_SERVER);
    const cluster = started.cluster;
    limited &&= started.limited;
    clusters.push(cluster);
    for (const s of cluster.shards) await runSql(s.primary.url, DDL);
    const db = shardedDrizzle({
      schema,
      shards: cluster.shards.map((s) => ({ primary: s.primary.url })),
      pool: WRITER_POOL,
    });
    dbs.push(db);
    let id = 0;
    return {
      op: (i: number) =>
        db.insert(orders).values({ id: ++id, userId: i % 100_000, status: 'new', total: '1.00' }),
      ...(started.limited
        ? {
            serverCpuSeconds: () => primariesCpuSeconds(cluster),
          }
        : {}),
    };
  };
  try {
    log('write scaling: starting 1 + 1 + 2 + 4 fixed-size primaries');
    const variants = [
      { name: '1 primary', ...(await open(1)) },
      { name: '1 primary (A/A control)', ...(await open(1)) },
      { name: '2 shards', ...(await open(2)) },
      { name: '4 shards', ...(await open(4)) },
    ];
    log(`write scaling: ${WRITERS} writers per variant`);
    const results = await interleave(variants, {
      ...rounds,
      concurrency: WRITERS,
      rounds: Math.min(rounds.rounds, size === 'tiny' ? 2 : 8),
      opsPerRound: size === 'tiny' ? 200 : 3000,
    });
    const throughput = results.map(
      (r) => `${r.name}: ${Math.round(1e6 / r.timeUs.median)}/s (${(1 / r.timeRatio.median).toFixed(2)}×)`,
    );
    const baseServerCpu = results[0]!.serverCpuUs?.median;
    const efficiency = results.map(
      (r) =>
        `${r.name}: ${Math.round(r.serverCpuUs!.median)} µs (${(baseServerCpu! / r.serverCpuUs!.median).toFixed(2)})`,
    );
    return [
      {
        name: 'write-scaling',
        title: 'Write throughput, 1 → 2 → 4 shards, same client load',
        baseline: 'one primary',
        variants: results,
        inFlight: WRITERS,
        targets: TARGETS,
        notes: [
          `Throughput (median round): ${throughput.join('; ')}. Target (issue 6): 4 shards ≥ 3× one primary; the seed saw 4×. Client CPU per insert (what the router controls, issue 19) should stay flat from 1 to 4 shards.`,
          ...(limited
            ? [
                `Each PostgreSQL server limited to ${CPU_PER_SERVER} CPU with a cgroup quota, as a fixed-size machine.`,
                `Server CPU per insert (all of a variant's servers, from their cgroups; in brackets inserts per server CPU-second relative to one primary): ${efficiency.join('; ')}. With every server using its whole quota, throughput scales as shards × that relative figure: where it falls below 1, the servers share this machine's cores and caches and each insert costs them more, which separate machines would not.`,
              ]
            : [
                'No cgroup CPU limit on this machine: servers share its cores, so scaling is bounded by them.',
              ]),
        ],
      },
    ];
  } finally {
    await Promise.all(dbs.map((db) => db.close()));
    await Promise.all(clusters.map((c) => c.destroy()));
  }
};
