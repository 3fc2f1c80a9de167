import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyIndexes } from '../../src/index.ts';
import {
  explainSeedQuery,
  HOT_USER_ID,
  loadSeedOrders,
  type PlanNode,
  planNodes,
} from '../support/seed-orders.ts';

// The seed, step 7: "SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20"
// scanned the whole table and sorted (2087 ms); with orders(user_id, created_at DESC) it is an
// index scan that needs no sort (0.27 ms). This test asserts the plans, never the times.
const ROWS = 1_000_000;
const HOT_USER_ROWS = 20_000;
const INDEX = 'orders_user_id_created_at_idx';

let cluster: Cluster;
let url: string;

beforeAll(async () => {
  cluster = await startCluster({ shards: 1, settings: { shared_buffers: '128MB' } });
  url = cluster.shards[0]!.primary.url;
  await loadSeedOrders(url, { rows: ROWS, hotUserRows: HOT_USER_ROWS });
});

afterAll(async () => {
  await cluster?.destroy();
});

function isSeqScanOnOrders(node: PlanNode): boolean {
  return /^(Parallel )?Seq Scan$/.test(node['Node Type']) && node['Relation Name'] === 'orders';
}

function isSort(node: PlanNode): boolean {
  return /Sort$/.test(node['Node Type']); // Sort and Incremental Sort
}

describe('seed step 7: the recommended index turns a seq scan + sort into an index scan', () => {
  it('loads the seed data: no index starts with user_id', async () => {
    const [counts] = await runSql<{ total: number; hot: number }[]>(
      url,
      `select count(*)::int as total, count(*) filter (where user_id = ${HOT_USER_ID})::int as hot from orders`,
    );
    expect(counts!.total).toBeGreaterThanOrEqual(ROWS);
    expect(counts!.hot).toBeGreaterThanOrEqual(HOT_USER_ROWS);
    const indexes = await runSql<{ indexdef: string }[]>(
      url,
      `select indexdef from pg_indexes where tablename = 'orders'`,
    );
    expect(indexes.map((i) => i.indexdef)).toEqual([expect.stringMatching(/\(id\)$/)]);
  });

  it('plans a seq scan and a sort before, an index scan and no sort after applyIndexes', async () => {
    const before = await explainSeedQuery(url, HOT_USER_ID);
    const beforeNodes = planNodes(before.plan);
    expect(beforeNodes.some(isSeqScanOnOrders), before.nodeTypes.join(' > ')).toBe(true);
    expect(beforeNodes.some(isSort), before.nodeTypes.join(' > ')).toBe(true);
    expect(beforeNodes.some((n) => n['Index Name'] === INDEX)).toBe(false);

    const report = await applyIndexes(
      [
        {
          table: 'orders',
          name: INDEX,
          columns: [
            { name: 'user_id', direction: 'asc' },
            { name: 'created_at', direction: 'desc' },
          ],
          unique: false,
          sources: [],
        },
      ],
      [{ shard: 0, url }],
    );
    expect(report.ok).toBe(true);
    expect(report.shards[0]!.indexes[0]!.outcome).toBe('created');
    await runSql(url, 'analyze orders');

    const after = await explainSeedQuery(url, HOT_USER_ID);
    const afterNodes = planNodes(after.plan);
    const scan = afterNodes.find((n) => /^Index (Only )?Scan$/.test(n['Node Type']));
    expect(scan, after.nodeTypes.join(' > ')).toMatchObject({
      'Index Name': INDEX,
      'Relation Name': 'orders',
    });
    expect(afterNodes.filter(isSort), after.nodeTypes.join(' > ')).toEqual([]);
    expect(afterNodes.some(isSeqScanOnOrders)).toBe(false);
    // Both plans return the same page of 20 orders.
    expect((before.plan as PlanNode & { 'Actual Rows': number })['Actual Rows']).toBe(20);
    expect((after.plan as PlanNode & { 'Actual Rows': number })['Actual Rows']).toBe(20);
  });
});
