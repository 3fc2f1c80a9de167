import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { pgTable, text } from 'drizzle-orm/pg-core';
import { reference, ShardMap, shardedDrizzle } from 'drizzle-shard';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  driverLayout,
  openReshard,
  planFromFleetMap,
  readFleetMap,
  reshardCutover,
  reshardRollback,
  runDoctor,
  type SplitTable,
  shrinkPlanFromFleetMap,
  startReshard,
  writeFleetMap,
} from '../src/index.ts';
import { decidePreparedGuards } from '../src/reshard/guard-commit.ts';
import { collectOrders, FLEET_DDL, startWriter } from './support/fleet-writer.ts';

const USERS = 20_000;
const ORDERS = Number(process.env.RESHARD_TEST_ORDERS ?? 1_000_000);

let cluster: Cluster;
let dir: string;
/** Room for a publication and subscription per move on every shard. */
const REPLICATION = { max_wal_senders: 12, max_replication_slots: 12 };

const TABLES: SplitTable[] = [
  { name: 'users', kind: 'sharded', keyColumn: 'id', keyKind: 'int' },
  { name: 'orders', kind: 'sharded', keyColumn: 'user_id', keyKind: 'int' },
  { name: 'countries', kind: 'reference' },
  { name: 'audit_log', kind: 'unsharded' },
];

/**
 * A sharded fleet as a split leaves it (each shard holds the rows `map` gives it, the fleet map
 * names them), and the plan to grow it by `added`.
 */
async function shardedFleet(
  urls: readonly string[],
  added: readonly string[],
  map: ShardMap,
  orders: number,
  mapFile: string,
) {
  await loadFleet(urls, map, orders);
  writeFleetMap(mapFile, { mode: 'sharded', source: urls[0]!, shards: urls, map: map.toJSON() });
  return planFromFleetMap(readFleetMap(mapFile)!, added, TABLES);
}

async function loadFleet(urls: readonly string[], map: ShardMap, orders: number) {
  await Promise.all(
    urls.map((url, shard) =>
      runSql(
        url,
        `${FLEET_DDL}
        insert into users select g, 'u' || g || '@example.com', 'User ' || g from generate_series(1, ${USERS}) g
          where ${map.ownsSql('g', 'int', shard)};
        insert into orders select 1 + g % ${USERS}, g, 'new', (g % 1000) / 10.0, now() - g * interval '1 second'
          from generate_series(1, ${orders}) g where ${map.ownsSql(`(1 + g % ${USERS})`, 'int', shard)};
        insert into countries values ('NO', 'Norway'), ('SE', 'Sweden');
        ${shard === 0 ? "insert into audit_log (message) select 'event ' || g from generate_series(1, 500) g;" : ''}`,
      ),
    ),
  );
}

/** One cutover on connections of its own. */
async function cutoverOnce(plan: ReturnType<typeof planFromFleetMap>, mapFile: string) {
  const c = openReshard(plan);
  try {
    return await reshardCutover(plan, c.shards, mapFile);
  } finally {
    await c.close();
  }
}

/** `select count(*)` over every shard, and the rows a shard holds but does not own under `map`. */
async function census(urls: readonly string[], map: ShardMap, table: string, key: string) {
  let rows = 0;
  let foreign = 0;
  for (const [shard, url] of urls.entries()) {
    const [r] = await runSql<{ n: number; foreign: number }[]>(
      url,
      `select count(*)::int as n, count(*) filter (where not ${map.ownsSql(key, 'int', shard)})::int as foreign from ${table}`,
    );
    rows += r!.n;
    foreign += r!.foreign;
  }
  return { rows, foreign };
}

beforeAll(async () => {
  cluster = await startCluster({ shards: 8, settings: REPLICATION });
  dir = mkdtempSync(path.join(os.tmpdir(), 'reshard-test-'));
}, 180_000);

afterAll(async () => {
  await cluster?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('reshards 4 → 8 under a continuous writer: 0 lost, every moved bucket verified, old owners keep no moved row', async () => {
  const urls = cluster.shards.map((s) => s.primary.url);
  const oldMap = ShardMap.hash({ shards: 4 });
  const mapFile = path.join(dir, 'fleet-map.json');
  const plan = await shardedFleet(urls.slice(0, 4), urls.slice(4), oldMap, ORDERS, mapFile);

  const app = startWriter(mapFile, { users: USERS, firstId: ORDERS });
  const states = await startReshard(plan);
  expect(states.map((s) => `${s.from}→${s.to}`)).toEqual(['0→4', '1→5', '2→6', '3→7']);
  expect(states.every((s) => s.ready)).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // the app keeps writing with the old map

  const movedUser = (() => {
    for (let u = 1; ; u++) if (oldMap.shardOf(u, 'int') === 1 && plan.map.shardOf(u, 'int') === 5) return u;
  })();
  const stale = postgres(urls[1]!, { max: 1, onnotice: () => {} }); // an app session still on map version 1
  await stale`select 1`;

  const report = await cutoverOnce(plan, mapFile);
  expect(report.verify.problems).toEqual([]);
  expect(report.verify.ok).toBe(true);
  expect(report.map).toMatchObject({ mode: 'sharded', version: 2, shards: urls });
  expect(Object.keys(report.deleted).map(Number)).toEqual([0, 1, 2, 3]);
  expect(Object.values(report.deleted).every((n) => n > 0)).toBe(true);
  console.log(
    `reshard 4 → 8: write pause ${report.pauseMs.toFixed(0)} ms; ${report.verify.tables.map((t) => `${t.table} ${t.rows} rows in ${t.units} units`).join(', ')}; deleted from old owners ${JSON.stringify(report.deleted)}`,
  );
  expect(report.pauseMs).toBeLessThan(5_000);

  // A write to a moved row through the old map is refused, naming the new map version.
  await expect(
    stale`insert into orders (user_id, id, status, total) values (${movedUser}, 1, 'x', 1)`,
  ).rejects.toMatchObject({
    code: '25006',
    message: expect.stringContaining('fleet map version 2'),
  });
  await stale.end();

  await new Promise((resolve) => setTimeout(resolve, 1000)); // the app now writes with the new map
  await app.stop();
  console.log(`writer: ${app.acked.size} writes acknowledged, ${app.retries} retried`);

  const { found, problems } = await collectOrders(urls, plan.map, ORDERS);
  expect(problems).toEqual([]);
  expect(app.acked.size).toBeGreaterThan(100);
  for (const [key, total] of app.acked) expect(found.get(key), key).toBe(total);
  const orders = await census(urls, plan.map, `orders where id <= ${ORDERS}`, 'user_id');
  expect(orders).toEqual({ rows: ORDERS, foreign: 0 });
  expect(await census(urls, plan.map, 'users', 'id')).toEqual({ rows: USERS, foreign: 0 });
  for (const url of urls) {
    const [n] = await runSql<{ n: number; watches: number }[]>(
      url,
      "select (select count(*)::int from countries) as n, (select count(*)::int from pg_trigger where tgname = 'drizzle_shard_owns_watch') as watches",
    );
    expect(n).toEqual({ n: 2, watches: 0 }); // the new owners' write watch ends with the reshard
  }

  // Run again (as after a crash): nothing left to do; a rollback is refused once rows were deleted.
  const c2 = openReshard(planFromFleetMap(readFleetMap(mapFile)!, urls.slice(4), TABLES));
  try {
    const again = await reshardCutover(plan, c2.shards, mapFile);
    expect(again).toMatchObject({ pauseMs: 0, deleted: {}, verify: { ok: true } });
    await expect(reshardRollback(plan, c2.shards, mapFile)).rejects.toMatchObject({
      code: 'RESHARD_NOT_READY',
    });
  } finally {
    await c2.close();
  }
}, 400_000);

it('shrinks the same fleet back 8 → 4 under the writer: the leaving shards end empty, the shards that stay accept their returned rows', async () => {
  const urls = cluster.shards.map((s) => s.primary.url);
  const mapFile = path.join(dir, 'fleet-map.json');
  const grown = readFleetMap(mapFile)!;
  expect(grown.shards).toHaveLength(8); // left by the test above
  const plan = shrinkPlanFromFleetMap(grown, 4, TABLES);
  expect(plan.moves.map((m) => `${m.from}→${m.to} ${m.units.length}`)).toEqual([
    '4→0 512',
    '5→1 512',
    '6→2 512',
    '7→3 512',
  ]);
  const before = await census(urls, plan.oldMap, 'orders', 'user_id');
  const firstId = 10_000_000;
  const app = startWriter(mapFile, { users: USERS, firstId });
  await startReshard(plan);
  await new Promise((resolve) => setTimeout(resolve, 1000));

  const report = await cutoverOnce(plan, mapFile);
  expect(report.verify.problems).toEqual([]);
  expect(report.map).toMatchObject({ version: 3, shards: urls.slice(0, 4) });
  console.log(
    `reshard 8 → 4: write pause ${report.pauseMs.toFixed(0)} ms; deleted from leaving shards ${JSON.stringify(report.deleted)}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 1000)); // the app now writes with 4 shards
  await app.stop();

  // Every acknowledged write, on the shard that owns it; the leaving shards hold no order or user.
  const { found, problems } = await collectOrders(urls.slice(0, 4), plan.map, firstId);
  expect(problems).toEqual([]);
  expect(app.acked.size).toBeGreaterThan(100);
  for (const [key, total] of app.acked) expect(found.get(key), key).toBe(total);
  expect(await census(urls.slice(0, 4), plan.map, `orders where id <= ${firstId}`, 'user_id')).toEqual({
    rows: before.rows,
    foreign: 0,
  });
  expect(await census(urls.slice(0, 4), plan.map, 'users', 'id')).toEqual({ rows: USERS, foreign: 0 });
  for (const url of urls.slice(4)) {
    const [n] = await runSql<{ n: number }[]>(
      url,
      'select (select count(*) from orders) + (select count(*) from users) as n',
    );
    expect(Number(n!.n)).toBe(0);
  }
  // A user shard 0 got back from shard 4 is writable there (the guard the growth left was replaced).
  const returned = (() => {
    for (let u = 1; ; u++) if (plan.oldMap.shardOf(u, 'int') === 4) return u;
  })();
  expect(plan.map.shardOf(returned, 'int')).toBe(0);
  await runSql(urls[0]!, `insert into orders (user_id, id, status, total) values (${returned}, 1, 'new', 1)`);
}, 400_000);

it('a corrupted moved row fails verification: nothing is deleted and a rollback restores the old map', async () => {
  const small = await startCluster({ shards: 4, settings: REPLICATION });
  try {
    const urls = small.shards.map((s) => s.primary.url);
    const oldMap = ShardMap.modulo(2);
    const mapFile = path.join(dir, 'small-map.json');
    const plan = await shardedFleet(urls.slice(0, 2), urls.slice(2), oldMap, 5_000, mapFile);
    expect(plan.moves).toEqual([
      { from: 0, to: 2, units: [2] },
      { from: 1, to: 3, units: [3] },
    ]);
    await expect(
      startReshard({ ...plan, shards: [...plan.shards.slice(0, 3), 'postgres://app:pw-7@127.0.0.1:1/x'] }),
    ).rejects.toMatchObject({ code: 'RESHARD_BAD_INPUT', message: expect.not.stringContaining('pw-7') });
    await runSql(
      urls[1]!,
      "begin; insert into countries values ('XX', 'x'); prepare transaction 'left-by-a-crash'",
    );
    await expect(startReshard(plan)).rejects.toMatchObject({
      code: 'RESHARD_BAD_INPUT',
      message: expect.stringContaining('Shard 1 has 1 prepared transaction(s)'),
    });
    await runSql(urls[1]!, "rollback prepared 'left-by-a-crash'");
    await startReshard(plan);
    await runSql(urls[3]!, 'update orders set total = total + 1 where id = (select min(id) from orders)');

    const c = openReshard(plan);
    try {
      const report = await reshardCutover(plan, c.shards, mapFile);
      expect(report.verify.ok).toBe(false);
      expect(report.verify.problems.map((p) => `${p.table} ${p.kind}@${p.shard} unit ${p.unit}`)).toEqual([
        'orders differs@3 unit 3',
      ]);
      expect(report.deleted).toEqual({});
      // The old owner still holds every moved row, and refuses writes to them.
      expect((await census(urls.slice(0, 2), oldMap, 'orders', 'user_id')).rows).toBe(5_000);
      await expect(runSql(urls[1]!, 'update orders set total = 0 where user_id = 3')).rejects.toMatchObject({
        code: '25006',
      });

      // The app, on the new map, writes a moved row on its new owner: a rollback would leave it
      // behind there, so it is refused unless forced.
      await runSql(urls[3]!, "update orders set status = 'paid' where user_id = 3");
      await expect(reshardRollback(plan, c.shards, mapFile)).rejects.toMatchObject({
        code: 'RESHARD_NOT_READY',
        message: expect.stringMatching(/Shard 3 took writes to rows it received through the new map/),
      });
      const back = await reshardRollback(plan, c.shards, mapFile, { force: true });
      expect(back).toMatchObject({ version: 3, shards: urls.slice(0, 2), map: oldMap.toJSON() });
      await runSql(urls[1]!, 'update orders set total = 0 where user_id = 3'); // writable again
    } finally {
      await c.close();
    }
  } finally {
    await small.destroy();
  }
}, 180_000);

it('the ownership guard and the reference-table fence go live on every old owner or on none: a crash on either side of the map write is finished by the next cutover; old-map reference writes are refused', async () => {
  const small = await startCluster({ shards: 4, settings: REPLICATION });
  const prepared = (url: string) =>
    runSql<{ gid: string }[]>(url, 'select gid from pg_prepared_xacts order by gid').then((r) =>
      r.map((x) => x.gid),
    );
  try {
    const urls = small.shards.map((s) => s.primary.url);
    const oldMap = ShardMap.modulo(2);
    const mapFile = path.join(dir, 'crash-map.json');
    const plan = await shardedFleet(urls.slice(0, 2), urls.slice(2), oldMap, 5_000, mapFile);
    const epoch = plan.map.toJSON().epoch;
    await startReshard(plan);

    // Before the map write: a guard left prepared (and its lock held) by a crashed cutover is
    // rolled back by the next one, which then runs to the end.
    await runSql(
      urls[0]!,
      `begin; lock table orders in exclusive mode; prepare transaction 'drizzle_reshard_e${epoch}_s0'`,
    );
    // After the map write: the process dies before any old owner commits its guard.
    const fixture = fileURLToPath(new URL('./fixtures/crash-after-map-write.ts', import.meta.url));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
        env: {
          ...process.env,
          MAP_FILE: mapFile,
          ADDED: JSON.stringify(urls.slice(2)),
          TABLES: JSON.stringify(TABLES),
        },
        stdio: 'inherit',
      });
      child.once('exit', (_code, sig) => resolve(sig));
    });
    expect(signal).toBe('SIGKILL');
    expect(readFleetMap(mapFile)).toMatchObject({ version: 2, shards: urls });
    // Both guards wait, prepared, and keep the moving tables locked: an old-map write waits.
    expect(await prepared(urls[0]!)).toEqual([`drizzle_reshard_e${epoch}_s0`]);
    expect(await prepared(urls[1]!)).toEqual([`drizzle_reshard_e${epoch}_s1`]);
    await expect(
      runSql(urls[1]!, "set lock_timeout = '200ms'; update orders set total = 0 where user_id = 3"),
    ).rejects.toMatchObject({ code: '55P03' });
    const doctor = await runDoctor([{ primary: urls[1]! }], {}, { sampleMs: 50 });
    expect(doctor.findings.find((f) => f.code === 'PREPARED_XACTS')?.fix).toMatch(
      /ownership guards: run `drizzle-shard reshard cutover`/,
    );

    const c = openReshard(plan);
    const schema = {
      countries: reference(
        pgTable('countries', { code: text('code').primaryKey(), name: text('name').notNull() }),
      ),
    };
    const oldApp = shardedDrizzle({
      schema,
      shards: urls.slice(0, 2).map((primary) => ({ primary })),
      shardMap: oldMap,
    });
    const newApp = shardedDrizzle({ schema, ...driverLayout(readFleetMap(mapFile)!) });
    try {
      // The guards commit while the moves still stream. A reference write by the new map reaches
      // all four shards itself; the old owners no longer stream reference rows, so the new shards'
      // subscriptions see no conflicting copy of it.
      expect(await decidePreparedGuards(plan, c.shards, true)).toEqual([0, 1]);
      await newApp.insert(schema.countries).values({ code: 'DK', name: 'Denmark' });
      await runSql(urls[0]!, "insert into countries values ('FI', 'Finland')"); // untagged writes pass
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const url of urls.slice(2)) {
        const [stats] = await runSql<{ errors: number; live: number }[]>(
          url,
          `select coalesce(sum(apply_error_count), 0)::int as errors,
             (select count(*)::int from pg_stat_subscription where pid is not null and relid is null) as live
           from pg_stat_subscription_stats`,
        );
        expect(stats).toEqual({ errors: 0, live: 1 });
      }
      // A writer still on the old map is fenced: its two-phase write is refused, on no shard.
      await expect(
        oldApp.insert(schema.countries).values({ code: 'IS', name: 'Iceland' }),
      ).rejects.toMatchObject({
        code: 'TWO_PHASE_COMMIT_FAILED',
        details: expect.objectContaining({ sqlState: '25006' }),
        message: expect.stringMatching(/epoch 1 reached an old shard after fleet map version 2 \(epoch 2\)/),
      });
      await runSql(urls[0]!, "delete from countries where code = 'FI'");

      const report = await reshardCutover(plan, c.shards, mapFile);
      expect(report.verify.ok).toBe(true);
      expect(report.pauseMs).toBe(0); // a resumed run: the writes were blocked by the crashed one
      expect(await prepared(urls[0]!)).toEqual([]);
      expect(await prepared(urls[1]!)).toEqual([]);
      // Both guards committed: an old-map write to a moved row is refused on either old owner.
      for (const [owner, user] of [
        [0, 2],
        [1, 3],
      ] as const) {
        await expect(
          runSql(urls[owner]!, `insert into orders values (${user}, 900000 + ${user}, 'new', 1, now())`),
        ).rejects.toMatchObject({ code: '25006' });
      }
      expect(report.deleted[0]! + report.deleted[1]!).toBeGreaterThan(0);
      const newMap = ShardMap.fromJSON(readFleetMap(mapFile)!.map);
      expect(await census(urls, newMap, 'orders', 'user_id')).toEqual({ rows: 5_000, foreign: 0 });
      for (const url of urls) {
        const codes = await runSql<{ code: string }[]>(url, 'select code from countries order by code');
        expect(codes.map((r) => r.code)).toEqual(['DK', 'NO', 'SE']);
      }
    } finally {
      await Promise.all([oldApp.close(), newApp.close()]);
      await c.close();
    }
  } finally {
    await small.destroy();
  }
}, 180_000);

it('a shrink rolled back after a failed verification, or abandoned before its cutover, leaves the old layout whole', async () => {
  const small = await startCluster({ shards: 4, settings: REPLICATION });
  try {
    const urls = small.shards.map((s) => s.primary.url);
    const oldMap = ShardMap.modulo(4);
    const mapFile = path.join(dir, 'shrink-map.json');
    await loadFleet(urls, oldMap, 5_000);
    writeFleetMap(mapFile, { mode: 'sharded', source: urls[0]!, shards: urls, map: oldMap.toJSON() });
    const plan = shrinkPlanFromFleetMap(readFleetMap(mapFile)!, 2, TABLES);
    expect(plan.moves).toEqual([
      { from: 2, to: 0, units: [2] },
      { from: 3, to: 1, units: [3] },
    ]);
    const wholeOnOldLayout = async () => {
      expect(await census(urls, oldMap, 'orders', 'user_id')).toEqual({ rows: 5_000, foreign: 0 });
      for (const url of urls) {
        const [n] = await runSql<{ n: number }[]>(url, 'select count(*)::int as n from pg_replication_slots');
        expect(n!.n).toBe(0);
      }
    };

    // A received copy corrupted on shard 0: the cutover flips, verification fails, nothing is deleted.
    await startReshard(plan);
    await runSql(
      urls[0]!,
      'update orders set total = total + 1 where id = (select min(id) from orders where user_id % 4 = 2)',
    );
    const c = openReshard(plan);
    try {
      const report = await reshardCutover(plan, c.shards, mapFile);
      expect(report.verify.problems.map((p) => `${p.table} ${p.kind}@${p.shard} unit ${p.unit}`)).toEqual([
        'orders differs@0 unit 2',
      ]);
      expect(report.deleted).toEqual({});
      const back = await reshardRollback(plan, c.shards, mapFile);
      expect(back).toMatchObject({ version: 3, shards: urls, map: oldMap.toJSON() });
      await wholeOnOldLayout(); // shard 0 and 1 lost their copies; 2 and 3 hold their rows again
      await runSql(urls[2]!, 'update orders set total = 0 where user_id = 2'); // writable again
      await expect(runSql(urls[0]!, "insert into orders values (2, 1, 'x', 1, now())")).rejects.toMatchObject(
        {
          code: '25006', // shard 0 refuses a row of shard 2 under the old map again
        },
      );
    } finally {
      await c.close();
    }

    // Started again, then abandoned before any cutover: replication, slots and copies go.
    const again = shrinkPlanFromFleetMap(readFleetMap(mapFile)!, 2, TABLES);
    await startReshard(again);
    const c2 = openReshard(again);
    try {
      const kept = await reshardRollback(again, c2.shards, mapFile);
      expect(kept.version).toBe(3);
      await wholeOnOldLayout();
    } finally {
      await c2.close();
    }
  } finally {
    await small.destroy();
  }
}, 180_000);
