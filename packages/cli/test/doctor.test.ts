import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../src/index.ts';
import { capture } from './support/capture.ts';

let cluster: Cluster;
const shardArgs = () =>
  cluster.shards.flatMap((s) => ['--shard', [s.primary.url, ...s.replicas.map((r) => r.url)].join(',')]);

async function doctor(extra: string[] = []) {
  const c = capture();
  const code = await run(['doctor', ...shardArgs(), ...extra], c.io, process.cwd());
  return { code, text: c.all.join('') };
}

beforeAll(async () => {
  cluster = await startCluster({ shards: 2, replicas: 1, settings: { max_connections: 50 } });
});
afterAll(() => cluster?.destroy());

it('a healthy cluster exits 0', async () => {
  const { code, text } = await doctor();
  expect(text).toContain('Healthy');
  expect(code).toBe(0);
});

it('names each problem and its fix, in text and as JSON; an unreachable node exits 2', async () => {
  const p0 = cluster.shards[0]!.primary.url;
  // (d) an oversized table read by sequential scans, all on shard 0 (also (e) skew)
  await runSql(
    p0,
    `create table events (id bigint, kind int, payload text);
    insert into events select g, g % 100, repeat('x', 100) from generate_series(1, 200000) g; analyze events`,
  );
  const scanner = postgres(p0, { max: 1 });
  for (let i = 0; i < 60; i++) await scanner`select count(*) from events where kind = 1`;
  await scanner.end();
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
  // (b) a replica 8 s behind a primary that keeps writing
  const p1 = cluster.shards[1]!.primary.url;
  await runSql(p1, 'create table ticks (at timestamptz)');
  await cluster.setReplayDelay(cluster.shards[1]!.replicas[0]!, 8000);
  for (let i = 0; i < 50; i++) {
    await runSql(p1, 'insert into ticks values (now())');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // (a) connections: 42 of 50 held open on shard 0
  const holders = postgres(p0, { max: 42 });
  const held = Promise.all(Array.from({ length: 42 }, () => holders`select pg_sleep(4)`));
  await new Promise((resolve) => setTimeout(resolve, 1500));

  const { code, text } = await doctor(['--large-table-mb', '10']);
  const json = await doctor(['--json', '--large-table-mb', '10']);
  await held;
  await holders.end();
  expect(code).toBe(1);
  for (const c of [
    'CONNECTIONS_HIGH',
    'REPLICA_LAG',
    'SEQ_SCANS',
    'LARGE_TABLE',
    'SHARD_SKEW',
    'PREPARED_XACTS',
    'INVALID_INDEX',
  ]) {
    expect(text, c).toContain(`[${c}]`);
  }
  expect(text).toMatch(/\[REPLICA_LAG\] shard1-primary: a replica .* replays \d+\.\d s/);
  expect(text).toContain('Stage 1 (connection exhaustion): put PgBouncer');

  // The JSON report has the documented shape.
  const report = JSON.parse(json.text);
  expect(json.code).toBe(1);
  expect(report).toMatchObject({ ok: false, unreachable: [], stage: { number: 1 } });
  for (const f of report.findings) {
    expect(Object.keys(f).sort()).toEqual(['code', 'fix', 'message', 'node', 'severity', 'stage']);
    expect(typeof f.message).toBe('string');
    expect(Number.isInteger(f.stage)).toBe(true);
  }
  for (const n of report.nodes) expect(typeof n.reachable).toBe('boolean');
  await runSql(p0, "rollback prepared 'doctor-test'");

  const c = capture();
  expect(await run(['doctor', '--shard', 'postgres://app:secret@127.0.0.1:1/x'], c.io, process.cwd())).toBe(
    2,
  );
  expect(c.all.join('')).toContain('UNREACHABLE');
  expect(c.all.join('')).not.toContain('secret');
});
