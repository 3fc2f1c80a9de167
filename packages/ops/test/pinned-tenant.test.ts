import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { count, eq } from 'drizzle-orm';
import { bigint, numeric, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ShardMap, type ShardMapJson, sharded, shardedDrizzle } from 'drizzle-shard';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  cutover,
  driverLayout,
  openReshard,
  openSplit,
  planFromFleetMap,
  planRepin,
  type ReshardPlan,
  readFleetMap,
  reshardCutover,
  runDoctor,
  type SplitPlan,
  type SplitTable,
  startReshard,
  startSplit,
  verifySplit,
} from '../src/index.ts';
import { FLEET_DDL } from './support/fleet-writer.ts';

const USERS = 2_000;
const ORDERS = 20_000;
/** The big tenant's own orders, on top of its share of the others. */
const TENANT_ORDERS = 30_000;
/** The tenant's rows (its user and orders) after the split, and after the app's one insert. */
const TENANT_ROWS = 1 + TENANT_ORDERS + ORDERS / USERS;

const TABLES: SplitTable[] = [
  { name: 'users', kind: 'sharded', keyColumn: 'id', keyKind: 'int' },
  { name: 'orders', kind: 'sharded', keyColumn: 'user_id', keyKind: 'int' },
  { name: 'countries', kind: 'reference' },
  { name: 'audit_log', kind: 'unsharded' },
];
const users = sharded(
  pgTable('users', {
    id: bigint('id', { mode: 'number' }).primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
  }),
  { key: (t) => t.id },
);
const orders = sharded(
  pgTable(
    'orders',
    {
      userId: bigint('user_id', { mode: 'number' }).notNull(),
      id: bigint('id', { mode: 'number' }).notNull(),
      status: text('status').notNull(),
      total: numeric('total', { precision: 12, scale: 2 }).notNull(),
    },
    (t) => [primaryKey({ columns: [t.userId, t.id] })],
  ),
  { key: (t) => t.userId },
);
const schema = { users, orders };

const hash4 = ShardMap.hash({ shards: 4 });
/**
 * The big tenant: a user whose bucket lies on shard 0 and goes to shard 4 when 4 shards grow to
 * 6, so a plain hash map would place it on 0, then move it to 4; the override keeps it on 3.
 */
const TENANT = (() => {
  const grown = ShardMap.of(hash4.strategy.grow(6, 2).next);
  for (let u = 1; u <= USERS; u++)
    if (hash4.shardOf(u, 'int') === 0 && grown.shardOf(u, 'int') === 4) return u;
  throw new Error('no such user');
})();
const pinnedMap = ShardMap.fromJSON({
  ...(hash4.toJSON() as Extract<ShardMapJson, { strategy: 'hash' }>),
  strategy: 'pinned-hash',
  overrides: [{ key: TENANT, shard: 3 }],
});

let cluster: Cluster;
let dir: string;
let mapFile: string;
/** Shard primaries: [0] the single database, [1..4] the split's targets, [5..6] added by the reshard. */
let urls: string[];

/** Rows of the tenant's orders and users on each shard of `fleet`. */
async function tenantRows(fleet: readonly string[]): Promise<number[]> {
  return Promise.all(
    fleet.map(async (url) => {
      const [r] = await runSql<{ n: number }[]>(
        url,
        `select (select count(*) from orders where user_id = ${TENANT}) + (select count(*) from users where id = ${TENANT}) as n`,
      );
      return Number(r!.n);
    }),
  );
}

/** Every row of the sharded tables on a shard that owns it under `map`: the count of the others. */
async function foreignRows(fleet: readonly string[], map: ShardMap): Promise<number> {
  let foreign = 0;
  for (const [shard, url] of fleet.entries()) {
    const [r] = await runSql<{ n: number }[]>(
      url,
      `select (select count(*) from orders where not ${map.ownsSql('user_id', 'int', shard)})
        + (select count(*) from users where not ${map.ownsSql('id', 'int', shard)}) as n`,
    );
    foreign += Number(r!.n);
  }
  return foreign;
}

async function reshardOnce(plan: ReshardPlan) {
  await startReshard(plan);
  const c = openReshard(plan);
  try {
    return await reshardCutover(plan, c.shards, mapFile);
  } finally {
    await c.close();
  }
}

beforeAll(async () => {
  cluster = await startCluster({ shards: 7, settings: { max_wal_senders: 12, max_replication_slots: 12 } });
  urls = cluster.shards.map((s) => s.primary.url);
  dir = mkdtempSync(path.join(os.tmpdir(), 'pinned-tenant-test-'));
  mapFile = path.join(dir, 'fleet-map.json');
  await runSql(
    urls[0]!,
    `${FLEET_DDL}
    insert into users select g, 'u' || g || '@example.com', 'User ' || g from generate_series(1, ${USERS}) g;
    insert into orders select 1 + g % ${USERS}, g, 'new', (g % 1000) / 10.0 from generate_series(1, ${ORDERS}) g;
    insert into orders select ${TENANT}, ${ORDERS} + g, 'new', 1 from generate_series(1, ${TENANT_ORDERS}) g;
    insert into countries values ('NO', 'Norway'), ('SE', 'Sweden');
    insert into audit_log (message) select 'event ' || g from generate_series(1, 50) g;`,
  );
}, 180_000);

afterAll(async () => {
  await cluster?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('split into 4 shards with a tenant pinned to shard 3: its rows land there, verify checks them, the app routes its reads and writes there', async () => {
  const plan: SplitPlan = { source: urls[0]!, targets: urls.slice(1, 5), map: pinnedMap, tables: TABLES };
  await startSplit(plan, { mapFile });
  const c = openSplit(plan);
  try {
    const report = await cutover(plan, c.source, c.marker, c.targets, mapFile);
    expect(report.verify.problems).toEqual([]);
    expect(report.verify.tables.find((t) => t.table === 'orders')?.rows).toBe(ORDERS + TENANT_ORDERS);
  } finally {
    await c.close();
  }
  const targets = urls.slice(1, 5);
  expect(await tenantRows(targets)).toEqual([0, 0, 0, TENANT_ROWS]);
  expect(hash4.shardOf(TENANT, 'int')).toBe(0); // where a plain hash map would have put it
  expect(await foreignRows(targets, pinnedMap)).toBe(0);

  // A row of the pinned tenant on the shard its bucket belongs to is reported by verify.
  await runSql(targets[0]!, `insert into orders values (${TENANT}, 1, 'new', 1)`);
  const c2 = openSplit(plan);
  try {
    const misplaced = await verifySplit(plan, c2.source, c2.targets);
    expect(misplaced.ok).toBe(false);
    expect(misplaced.problems).toEqual([
      expect.objectContaining({
        table: 'orders',
        kind: 'wrong-shard',
        shard: 0,
        unit: 4096,
        label: `pinned tenant ${TENANT}`,
      }),
    ]);
  } finally {
    await c2.close();
  }
  await runSql(targets[0]!, `delete from orders where user_id = ${TENANT} and id = 1`);

  // The app, on the fleet map the cutover wrote: reads and writes of the tenant go to shard 3.
  const layout = driverLayout(readFleetMap(mapFile)!);
  expect(layout.shardMap.toJSON()).toEqual(pinnedMap.toJSON());
  const db = shardedDrizzle({ schema, ...layout });
  try {
    await db.insert(orders).values({ userId: TENANT, id: 9_000_001, status: 'new', total: '5.00' });
    const [onThree] = await runSql<{ n: number }[]>(
      targets[3]!,
      'select count(*)::int as n from orders where id = 9000001',
    );
    expect(onThree!.n).toBe(1);
    const [read] = await db.select({ n: count() }).from(orders).where(eq(orders.userId, TENANT));
    expect(read!.n).toBe(TENANT_ROWS); // its orders: all but the user row, plus the insert
    await db.update(orders).set({ status: 'paid' }).where(eq(orders.userId, TENANT));
    const [paid] = await runSql<{ n: number }[]>(
      targets[3]!,
      `select count(*)::int as n from orders where user_id = ${TENANT} and status = 'paid'`,
    );
    expect(paid!.n).toBe(TENANT_ROWS);
    const [user] = await db.shard(TENANT).select().from(users).where(eq(users.id, TENANT));
    expect(user?.email).toBe(`u${TENANT}@example.com`);
  } finally {
    await db.close();
  }

  // The doctor names the pinned tenant on the skewed shard instead of advising a bucket rebalance.
  const doctor = await runDoctor(
    targets.map((primary) => ({ primary })),
    { skew: 1.05 },
    { sampleMs: 50, map: layout.shardMap },
  );
  const skew = doctor.findings.find((f) => f.code === 'SHARD_SKEW');
  expect(skew?.message).toMatch(new RegExp(`^shard 3 holds .*; it holds pinned tenant ${TENANT}$`));
  expect(skew?.fix).toContain('a bucket rebalance will not even this out');
}, 300_000);

it('reshard 4 → 6 moves buckets around the pinned tenant (its own bucket too), and only a repin moves the tenant', async () => {
  const fleet = urls.slice(1, 5);
  const added = urls.slice(5, 7);
  const grow = planFromFleetMap(readFleetMap(mapFile)!, added, TABLES);
  const bucket = pinnedMap.bucketOf(TENANT, 'int');
  expect(grow.map.shardOfBucket(bucket)).toBe(4); // the tenant's bucket moves…
  expect(grow.map.shardOf(TENANT, 'int')).toBe(3); // …the tenant does not
  const grown = await reshardOnce(grow);
  expect(grown.verify.problems).toEqual([]);
  const six = [...fleet, ...added];
  expect(await tenantRows(six)).toEqual([0, 0, 0, TENANT_ROWS + 1, 0, 0]);
  expect(await foreignRows(six, grow.map)).toBe(0);
  const [bucketMates] = await runSql<{ n: number }[]>(
    six[4]!,
    `select count(*)::int as n from users where ${grow.map.strategy.unitSql('id', 'int')} = ${bucket}`,
  );
  expect(bucketMates!.n).toBeGreaterThan(0); // the rest of its bucket went to shard 4

  // The override says shard 5 now: the tenant's rows, and nothing else, move there.
  const repin = planRepin(readFleetMap(mapFile)!, [{ key: TENANT, shard: 5 }], TABLES);
  expect(repin.moves).toEqual([{ from: 3, to: 5, units: [4096] }]);
  const moved = await reshardOnce(repin);
  expect(moved.verify.problems).toEqual([]);
  expect(moved.verify.tables.find((t) => t.table === 'orders')).toMatchObject({
    rows: TENANT_ROWS,
    units: 1,
  });
  expect(await tenantRows(six)).toEqual([0, 0, 0, 0, 0, TENANT_ROWS + 1]);
  expect(await foreignRows(six, repin.map)).toBe(0);
  expect(readFleetMap(mapFile)!.map).toMatchObject({
    strategy: 'pinned-hash',
    overrides: [{ key: TENANT, shard: 5 }],
  });
}, 400_000);
