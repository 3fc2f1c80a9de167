import { readFileSync } from 'node:fs';
import type { IndexRecommendation } from '@drizzle-shard/codegen';
import { applyIndexes } from '@drizzle-shard/ops';
import { type Cluster, runSql } from '@drizzle-shard/testing';
import postgres from 'postgres';
import { DDL } from '../../schema.ts';
import { middle, ms, type StageResult } from '../report.ts';
import type { DemoScale } from '../scale.ts';

const SEED_QUERY = 'SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20';
const HOT_USER = 42;

interface Plan {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: Plan[];
}
const nodes = (p: Plan): string[] => [
  p['Index Name'] ? `${p['Node Type']} (${p['Index Name']})` : p['Node Type'],
  ...(p.Plans ?? []).flatMap(nodes),
];

async function explain(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const times: number[] = [];
    let plan: Plan | undefined;
    for (let i = 0; i < 3; i++) {
      const [row] = await sql.unsafe(`EXPLAIN (ANALYZE, FORMAT JSON) ${SEED_QUERY}`, [HOT_USER]);
      const [result] = (row as unknown as { 'QUERY PLAN': [{ Plan: Plan; 'Execution Time': number }] })[
        'QUERY PLAN'
      ];
      plan = result.Plan;
      times.push(result['Execution Time']);
    }
    return { plan: nodes(plan!).join(' > '), ms: middle(times) };
  } finally {
    await sql.end();
  }
}

/**
 * Stage 4: the seed's slow query on one shard's worth of orders, before and after the index that
 * `drizzle-shard generate` recommended for it (src/generated/indexes.json), created by `indexes apply`.
 */
export async function indexStage(cluster: Cluster, scale: DemoScale): Promise<StageResult> {
  const base = cluster.shards[0]!.primary.url;
  await runSql(base, 'create database seed_orders');
  const url = base.replace(/\/postgres$/, '/seed_orders');
  await runSql(url, DDL);
  // Every 50th order belongs to the hot user until it has its share; the rest spread over 50,000 users.
  const every = Math.max(1, Math.floor(scale.orders / scale.hotUserOrders));
  await runSql(
    url,
    `insert into orders (id, user_id, status, total, created_at)
     select g, case when g % ${every} = 0 then ${HOT_USER} else 100 + g % 50000 end, 'paid', (g % 10000) / 100.0,
            timestamp '2024-01-01' + g * interval '1 second'
     from generate_series(1, ${scale.orders}) g; analyze orders`,
  );
  const before = await explain(url);
  const generated = JSON.parse(
    readFileSync(new URL('../../generated/indexes.json', import.meta.url), 'utf8'),
  ) as { indexes: IndexRecommendation[] };
  const recommended = generated.indexes.filter(
    (i) => i.table === 'orders' && i.columns[0]?.name === 'user_id',
  );
  const report = await applyIndexes(recommended, [{ shard: 0, url }]);
  if (!report.ok) throw new Error('the recommended index could not be created');
  await runSql(url, 'analyze orders');
  const after = await explain(url);
  const name = recommended
    .map(
      (r) =>
        `${r.table}(${r.columns.map((c) => c.name + (c.direction === 'desc' ? ' DESC' : '')).join(', ')})`,
    )
    .join(', ');
  return {
    stage: '4. Recommended index',
    rows: [
      ['recommended by generate', '', name],
      ['plan', before.plan, after.plan],
      [`execution (${scale.orders} orders)`, ms(before.ms), ms(after.ms)],
    ],
    summary: { metric: "a user's 20 latest orders", before: ms(before.ms), after: ms(after.ms) },
  };
}
