import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { Ajv } from 'ajv';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../src/index.ts';
import { capture } from './support/capture.ts';

let cluster: Cluster;
const shardArgs = () =>
  cluster.shards.flatMap((s) => [
    '--shard',
    [s.primary.url, ...s.replicas.map((r) => r.url)].join(','),
    '--pgbouncer',
    s.primary.pgbouncerUrl!,
  ]);

async function doctor(extra: string[] = []) {
  const c = capture();
  const code = await run(['doctor', ...shardArgs(), ...extra], c.io, process.cwd());
  return { code, text: c.all.join('') };
}

beforeAll(async () => {
  cluster = await startCluster({
    shards: 2,
    replicas: 1,
    pgbouncer: { poolSize: 2 },
    settings: { max_connections: 200 },
  });
});
afterAll(() => cluster?.destroy());

it('a healthy cluster exits 0', async () => {
  const { code, text } = await doctor();
  expect(text).toContain('Healthy');
  expect(code).toBe(0);
});

it('names each problem and its fix, in text and as JSON; an unreachable node exits 2', async () => {
  const p0 = cluster.shards[0]!.primary.url;
  // (f) a slot an abandoned reshard left behind, holding WAL back (made first: creating a logical
  // slot waits for every open transaction, and a prepared one is left open below)
  await runSql(p0, "select pg_create_logical_replication_slot('drizzle_reshard_0_9', 'pgoutput')");
  // (d) an oversized table read by sequential scans, all on shard 0 (also (e) skew)
  await runSql(
    p0,
    `create table events (id bigint, kind int, payload text);
    insert into events select g, g % 100, repeat('x', 100) from generate_series(1, 200000) g; analyze events`,
  );
  // (c) the seed's orders table (primary key on id only) under the seed's query, on shard 1; the
  // example app's generated indexes.json recommends orders(user_id, created_at DESC)
  const p1 = cluster.shards[1]!.primary.url;
  await runSql(
    p1,
    `create table orders (id bigint primary key, user_id bigint not null, status text not null,
      total numeric(12,2) not null, created_at timestamp not null default now());
    insert into orders select g, g % 2000, 'paid', 10, now() - g * interval '1 minute' from generate_series(1, 100000) g;
    analyze orders`,
  );
  const app = postgres(p1, { max: 4 });
  for (let i = 0; i < 60; i++) {
    await Promise.all(
      [1, 2, 3, 4].map(
        (u) => app`select * from orders where user_id = ${i * 4 + u} order by created_at desc limit 20`,
      ),
    );
  }
  await app.end();
  // leftovers: an index left INVALID, as a failed CREATE INDEX CONCURRENTLY leaves it (marked
  // directly), and a prepared transaction nobody finished
  await runSql(
    p0,
    "create table t (x int); create index t_x on t (x); update pg_index set indisvalid = false where indexrelid = 't_x'::regclass",
  );
  await runSql(
    p0,
    "create table u (x int); begin; insert into u values (2); prepare transaction 'doctor-test'",
  );
  // (b) a replica 8 s behind a primary that keeps writing until the doctor has looked (a primary
  // that stops writing lets the replica catch up, and replay_lag goes back to NULL: on a loaded
  // machine the wait for 190 connections below took longer than the 8 s delay)
  await runSql(p1, 'create table ticks (at timestamptz)');
  await cluster.setReplayDelay(cluster.shards[1]!.replicas[0]!, 8000);
  const ticker = postgres(p1, { max: 1 });
  let ticking = true;
  const ticks = (async () => {
    while (ticking) {
      await ticker`insert into ticks values (now())`;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  // (a) connections: 190 of 200 held open on shard 0 (the doctor's own makes 191)
  const holders = postgres(p0, { max: 190 });
  const held = Promise.all(Array.from({ length: 190 }, () => holders`select pg_sleep(12)`));
  const sleeping = async () =>
    (
      await runSql<{ n: number }[]>(
        p0,
        "select count(*)::int as n from pg_stat_activity where query = 'select pg_sleep(12)'",
      )
    )[0]!.n;
  while ((await sleeping()) < 190) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // (e) write skew: shard 0 takes a steady stream of inserts while the doctor samples
  await runSql(p0, 'create table bulk (x int, pad text)');
  const writer = postgres(p0, { max: 1 });
  let writing = true;
  const writes = (async () => {
    while (writing) await writer`insert into bulk select g, repeat('w', 100) from generate_series(1, 1000) g`;
  })();

  // PgBouncer with 2 server connections and 6 clients: 4 wait, then 2 (each less than the kit's
  // query_wait_timeout of 10 s)
  const pooled = postgres(cluster.shards[1]!.primary.pgbouncerUrl!, { max: 6, prepare: false });
  const queued = Promise.all(Array.from({ length: 6 }, () => pooled`select pg_sleep(4)`));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const indexes = path.resolve(
    import.meta.dirname,
    '../../../examples/orders-app/src/generated/indexes.json',
  );
  const options = ['--large-table-mb', '10', '--indexes', indexes, '--sample-seconds', '1'];
  const { code, text } = await doctor(options);
  const json = await doctor(['--json', ...options]);
  writing = false;
  ticking = false;
  await Promise.all([writes, ticks]);
  await writer.end();
  await ticker.end();
  await held;
  await holders.end();
  await queued;
  await pooled.end();
  expect(code).toBe(1);
  for (const c of [
    'CONNECTIONS_HIGH',
    'POOL_WAITING',
    'REPLICA_LAG',
    'SEQ_SCANS',
    'MISSING_INDEX',
    'LARGE_TABLE',
    'SHARD_SKEW',
    'WRITE_SKEW',
    'PREPARED_XACTS',
    'INVALID_INDEX',
    'IDLE_REPLICATION_SLOT',
  ]) {
    expect(text, c).toContain(`[${c}]`);
  }
  expect(text).toMatch(/\[REPLICA_LAG\] shard1-primary: a replica .* replays \d+\.\d s/);
  expect(text).toMatch(/\[CONNECTIONS_HIGH\] shard0-primary: 19\d of 200 connections in use/);
  expect(text).toMatch(
    /\[SEQ_SCANS\] shard1-primary: "orders" \(\d+ rows\) was read by \d+ sequential scans/,
  );
  expect(text).toMatch(
    /\[MISSING_INDEX\] shard1-primary: the recommended index orders_user_id_created_at_desc_idx on "orders" is missing .*src\/queries\.ts:\d+/,
  );
  expect(text).toContain(
    'fix: CREATE INDEX CONCURRENTLY IF NOT EXISTS "orders_user_id_created_at_desc_idx" ON "orders" ("user_id", "created_at" DESC)',
  );
  expect(text).toMatch(/\[POOL_WAITING\] shard1-pgbouncer: [24] client\(s\) wait for a server connection/);
  expect(text).toMatch(/\[LARGE_TABLE\] shard0-primary: "events" takes/);
  expect(text).toMatch(
    /\[WRITE_SKEW\] fleet: shard 0 (takes [\d.]+× the writes of shard 1|writes [\d.]+ MiB\/s of WAL while shard 1 writes almost none)/,
  );
  expect(text).toContain('Stage 1 (connection exhaustion): put PgBouncer');
  expect(text).toMatch(
    /\[IDLE_REPLICATION_SLOT\] shard0-primary: replication slot "drizzle_reshard_0_9" \(logical\) has no consumer and holds back [\d.]+ MiB of WAL/,
  );
  expect(text).toContain('a reshard left it: finish with `drizzle-shard reshard cutover`');

  // The JSON report validates against the published schema.
  const report = JSON.parse(json.text);
  const schema = JSON.parse(
    readFileSync(path.resolve(import.meta.dirname, '../../ops/src/doctor/doctor-report.schema.json'), 'utf8'),
  );
  const validate = new Ajv({ allErrors: true }).compile(schema);
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  expect(validate({ ...report, findings: [{ code: 'NOPE' }] })).toBe(false);
  expect(json.code).toBe(1);
  expect(report).toMatchObject({ ok: false, unreachable: [], stage: { number: 1 } });
  for (const f of report.findings) {
    expect(Object.keys(f).sort()).toEqual(['code', 'fix', 'message', 'node', 'severity', 'stage']);
    expect(typeof f.message).toBe('string');
    expect(Number.isInteger(f.stage)).toBe(true);
  }
  for (const n of report.nodes) expect(typeof n.reachable).toBe('boolean');
  await runSql(p0, "rollback prepared 'doctor-test'");
  await runSql(p0, "select pg_drop_replication_slot('drizzle_reshard_0_9')");

  const c = capture();
  expect(await run(['doctor', '--shard', 'postgres://app:secret@127.0.0.1:1/x'], c.io, process.cwd())).toBe(
    2,
  );
  expect(c.all.join('')).toContain('UNREACHABLE');
  expect(c.all.join('')).not.toContain('secret');
});
