import { applyIndexes } from '@drizzle-shard/ops';
import { runSql, startCluster } from '@drizzle-shard/testing';
import postgres from 'postgres';
import {
  explainSeedQuery,
  HOT_USER_ID,
  loadSeedOrders,
  SEED_INDEX,
  SEED_QUERY,
} from '../../../packages/ops/test/support/seed-orders.ts';
import { interleave } from '../harness/interleave.ts';
import type { Suite } from './context.ts';

/**
 * The seed's step 7: "a user's 20 latest orders" on a table without an index for it, then with
 * the index `drizzle-shard generate` recommends (created by `applyIndexes`). Two databases with
 * the same rows on one server, so both run in the same interleaved rounds.
 */
export const indexSpeedupSuite: Suite = async ({ size, rounds, log }) => {
  const rows = size === 'tiny' ? 20_000 : 1_000_000;
  const hotUserRows = size === 'tiny' ? 2_000 : 20_000;
  const cluster = await startCluster({ shards: 1, settings: { shared_buffers: '128MB' } });
  const base = cluster.shards[0]!.primary.url;
  const urlOf = (db: string) => base.replace(/\/postgres$/, `/${db}`);
  const clients: postgres.Sql[] = [];
  try {
    await runSql(base, 'create database without_index');
    await runSql(base, 'create database with_index');
    log(`index: loading ${rows} orders (${hotUserRows} for one user) twice`);
    await loadSeedOrders(urlOf('without_index'), { rows, hotUserRows });
    await loadSeedOrders(urlOf('with_index'), { rows, hotUserRows });
    const report = await applyIndexes([SEED_INDEX], [{ shard: 0, url: urlOf('with_index') }]);
    if (!report.ok) throw new Error('the recommended index could not be created');
    await runSql(urlOf('with_index'), 'analyze orders');
    const before = await explainSeedQuery(urlOf('without_index'), HOT_USER_ID);
    const after = await explainSeedQuery(urlOf('with_index'), HOT_USER_ID);
    const query = (db: string) => {
      const sql = postgres(urlOf(db), { max: 1, onnotice: () => {} });
      clients.push(sql);
      return () => sql.unsafe(SEED_QUERY, [HOT_USER_ID], { prepare: true });
    };
    log('index: the seed query with and without the index');
    // Seq scans take tens of ms: fewer, shorter turns than the per-op suites.
    const variants = await interleave(
      [
        { name: 'no index (seq scan + sort)', op: query('without_index') },
        { name: 'no index (A/A control)', op: query('without_index') },
        { name: 'recommended index (user_id, created_at DESC)', op: query('with_index') },
      ],
      {
        ...rounds,
        rounds: Math.min(rounds.rounds, 10),
        opsPerRound: Math.min(rounds.opsPerRound, 10),
        warmupRounds: 1,
      },
    );
    const indexed = variants[2]!;
    return [
      {
        name: 'index-speedup',
        title: "The seed's slow query before and after the recommended index",
        baseline: `the same query on the same ${rows} rows without the index`,
        variants,
        notes: [
          `Speed-up: ${(1 / indexed.timeRatio.median).toFixed(0)}× in client time per query; EXPLAIN ANALYZE execution ${before.executionMs.toFixed(2)} ms → ${after.executionMs.toFixed(3)} ms (${(before.executionMs / after.executionMs).toFixed(0)}×). The seed saw 2,087 ms → 0.27 ms (7,700×) on its larger, uncached table.`,
          `Plans: before ${before.nodeTypes.join(' > ')}; after ${after.nodeTypes.join(' > ')}.`,
        ],
      },
    ];
  } finally {
    await Promise.all(clients.map((c) => c.end()));
    await cluster.destroy();
  }
};
