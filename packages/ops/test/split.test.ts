import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { ShardMap } from 'drizzle-shard';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  checkSourceVersion,
  cutover,
  openSplit,
  readFleetMap,
  rollback,
  type SplitPlan,
  startSplit,
  verifySplit,
  writeFleetMap,
} from '../src/index.ts';
import { collectOrders, FLEET_DDL, startWriter } from './support/fleet-writer.ts';

// The size: 1,000,000 orders (SPLIT_TEST_ORDERS overrides it for quick runs).
const USERS = 20_000;
const ORDERS = Number(process.env.SPLIT_TEST_ORDERS ?? 1_000_000);

let cluster: Cluster;
let dir: string;
let plan: SplitPlan;

beforeAll(async () => {
  // shard 0 of the kit's cluster is the single database; 1–4 are the new shards
  cluster = await startCluster({ shards: 5, settings: { max_wal_senders: 24, max_replication_slots: 24 } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'split-test-'));
  const source = cluster.shards[0]!.primary.url;
  await runSql(
    source,
    `${FLEET_DDL}
    insert into users select g, 'u' || g || '@example.com', 'User ' || g from generate_series(1, ${USERS}) g;
    insert into orders select 1 + g % ${USERS}, g, 'new', (g % 1000) / 10.0, now() - g * interval '1 second'
      from generate_series(1, ${ORDERS}) g;
    insert into countries values ('NO', 'Norway'), ('SE', 'Sweden');
    insert into audit_log (message) select 'event ' || g from generate_series(1, 500) g;`,
  );
  plan = {
    source,
    targets: cluster.shards.slice(1).map((s) => s.primary.url),
    map: ShardMap.hash({ shards: 4 }),
    tables: [
      { name: 'users', kind: 'sharded', keyColumn: 'id', keyKind: 'int' },
      { name: 'orders', kind: 'sharded', keyColumn: 'user_id', keyKind: 'int' },
      { name: 'countries', kind: 'reference' },
      { name: 'audit_log', kind: 'unsharded' },
    ],
  };
}, 120_000);

afterAll(async () => {
  await cluster?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('splits one database into 4 shards online under a continuous writer; cutover verifies and pauses writes briefly; a rollback that would lose the writes made since is refused unless forced', async () => {
  const mapFile = path.join(dir, 'fleet-map.json');
  writeFleetMap(mapFile, {
    mode: 'single',
    source: plan.source,
    shards: plan.targets,
    map: plan.map.toJSON(),
  });
  const app = startWriter(mapFile, { users: USERS, firstId: ORDERS });
  const progress: number[] = [];
  const states = await startSplit(plan, {
    mapFile,
    onProgress: (s) => progress.push(s.filter((t) => t.ready).length),
  });
  expect(states.every((s) => s.ready)).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // the app keeps writing to the source

  // A session of the app opened before the cutover (read-write, unlike new ones afterwards).
  const early = postgres(plan.source, { max: 1, onnotice: () => {} });
  await early`select 1`;
  const c = openSplit(plan);
  let report: Awaited<ReturnType<typeof cutover>>;
  try {
    report = await cutover(plan, c.source, c.marker, c.targets, mapFile);
  } finally {
    await c.close();
  }
  // It is not killed, but its writes to the split tables are refused, naming the new map version.
  expect((await early`select 1 as alive`)[0]!.alive).toBe(1);
  await expect(early`insert into countries values ('FI', 'Finland')`).rejects.toMatchObject({
    code: '25006',
    message: expect.stringContaining('moved to shards by drizzle-shard split (fleet map version 2)'),
  });
  await early.end();
  expect(report.verify.problems).toEqual([]);
  expect(report.verify.ok).toBe(true);
  expect(report.map).toMatchObject({ mode: 'sharded', version: 2 });
  expect(report.pauseMs).toBeLessThan(5_000);
  console.log(`cutover write pause ${report.pauseMs.toFixed(0)} ms; writer retries ${app.retries}`);

  await new Promise((resolve) => setTimeout(resolve, 1000)); // the app now writes to the shards
  await app.stop();
  console.log(`writer: ${app.acked.size} writes acknowledged, ${app.retries} retried`);

  // Every acknowledged write is on its shard exactly once, with its last acknowledged value.
  const { found, problems } = await collectOrders(plan.targets, plan.map, ORDERS);
  expect(problems).toEqual([]);
  expect(app.acked.size).toBeGreaterThan(100);
  for (const [key, total] of app.acked) expect(found.get(key), key).toBe(total);

  // The source is read-only and untouched since the cutover; rollback makes it writable again.
  await expect(runSql(plan.source, "insert into countries values ('DK', 'Denmark')")).rejects.toMatchObject({
    code: '25006',
  });
  const [seq] = await runSql<{ v: string }[]>(
    plan.targets[0]!,
    "select nextval('audit_log_id_seq')::text as v",
  );
  expect(Number(seq!.v)).toBe(501);
  // The app wrote to the shards since the cutover: pointing it back at the source would lose
  // those writes, so the rollback is refused, naming where the shards differ, unless forced.
  const back = await (async () => {
    const c2 = openSplit(plan);
    try {
      await expect(rollback(plan, c2.source, c2.targets, mapFile)).rejects.toMatchObject({
        code: 'SPLIT_NOT_READY',
        message: expect.stringMatching(
          /The shards differ from the frozen source in \d+ place\(s\) \(orders differs on shard \d/,
        ),
      });
      expect(readFleetMap(mapFile)?.mode).toBe('sharded');
      return await rollback(plan, c2.source, c2.targets, mapFile, { force: true });
    } finally {
      await c2.close();
    }
  })();
  expect(back).toMatchObject({ mode: 'single', version: 3 });
  await runSql(plan.source, "insert into countries values ('DK', 'Denmark')");
  expect(readFleetMap(mapFile)?.mode).toBe('single');
}, 300_000);

it('refuses bad input before changing anything, and verification names a corrupted, a deleted and a misplaced row', async () => {
  const small = await startCluster({ shards: 3 });
  try {
    const source = small.shards[0]!.primary.url;
    await runSql(
      source,
      `create table orders (user_id bigint not null, id bigint not null, total numeric(12,2) not null, primary key (user_id, id));
       insert into orders select 1 + g % 500, g, g % 100 from generate_series(1, 5000) g;
       create table notes (id bigint primary key, body text);`,
    );
    const smallPlan: SplitPlan = {
      source,
      targets: small.shards.slice(1).map((s) => s.primary.url),
      map: ShardMap.hash({ shards: 2 }),
      tables: [{ name: 'orders', kind: 'sharded', keyColumn: 'user_id', keyKind: 'int' }],
    };
    const mapFile = path.join(dir, 'small-map.json');
    const start = (p: SplitPlan) => startSplit(p, { mapFile });
    await expect(start({ ...smallPlan, source: 'postgres://app:pw-9@127.0.0.1:1/x' })).rejects.toMatchObject({
      code: 'SPLIT_BAD_INPUT',
      message: expect.not.stringContaining('pw-9'),
    });
    await expect(
      start({
        ...smallPlan,
        tables: [{ name: 'notes', kind: 'sharded', keyColumn: 'user_id', keyKind: 'int' }],
      }),
    ).rejects.toMatchObject({
      code: 'SPLIT_BAD_INPUT',
      message: expect.stringContaining('no column "user_id"'),
    });
    await runSql(
      smallPlan.targets[1]!,
      'create table orders (user_id bigint, id bigint, total numeric(12,2), primary key (user_id, id)); insert into orders values (1, 1, 1)',
    );
    await expect(start(smallPlan)).rejects.toMatchObject({ code: 'SPLIT_TARGET_NOT_EMPTY' });
    // A prepared transaction on the source would make creating the replication slot wait forever.
    await runSql(
      source,
      "begin; insert into orders values (1, 999998, 1); prepare transaction 'left-by-a-crash'",
    );
    await expect(start(smallPlan)).rejects.toMatchObject({
      code: 'SPLIT_BAD_INPUT',
      message: expect.stringContaining('1 prepared transaction(s)'),
    });
    await runSql(source, "rollback prepared 'left-by-a-crash'");
    expect(() => checkSourceVersion(140_010, 'logical')).toThrow(/PostgreSQL 14; an online split needs 15/);
    expect(() => checkSourceVersion(150_018, 'replica')).toThrow(/wal_level = logical/);
    // Nothing was created anywhere by the refused runs.
    const [pubs] = await runSql<{ n: number }[]>(source, 'select count(*)::int as n from pg_publication');
    expect(pubs!.n).toBe(0);
    await runSql(smallPlan.targets[1]!, 'drop table orders');

    await start(smallPlan);
    const c = openSplit(smallPlan);
    try {
      expect((await verifySplit(smallPlan, c.source, c.targets)).ok).toBe(true);
      const [t0, t1] = smallPlan.targets as [string, string];
      const ownedBy1 = (
        await runSql<{ user_id: string }[]>(t1, 'select user_id::text from orders order by user_id limit 1')
      )[0]!.user_id;
      await runSql(
        t0,
        'update orders set total = total + 1 where (user_id, id) = (select user_id, id from orders order by 1, 2 limit 1)',
      );
      await runSql(
        t1,
        'delete from orders where (user_id, id) = (select user_id, id from orders order by 1, 2 desc limit 1)',
      );
      await runSql(t0, `insert into orders values (${ownedBy1}, 999999, 1)`);
      const report = await verifySplit(smallPlan, c.source, c.targets);
      expect(report.ok).toBe(false);
      const kinds = report.problems.map((p) => `${p.kind}@${p.shard}`).sort();
      expect(kinds).toEqual(['differs@0', 'differs@1', 'wrong-shard@0']);
      const deleted = report.problems.find((p) => p.shard === 1)!;
      expect(deleted.target!.rows).toBe(deleted.source!.rows - 1);
    } finally {
      await c.close();
    }
  } finally {
    await small.destroy();
  }
}, 120_000);
