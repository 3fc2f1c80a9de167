import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  archiveTable,
  checksumQuery,
  DuckDbArchive,
  describeSourceTable,
  storeFile,
} from '@drizzle-shard/ops';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../src/index.ts';
import { capture } from './support/capture.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/drizzle-shard.mjs');
const ROWS_PER_SHARD = 250_000;
const OLD = "created_at < now() - interval '90 days'";
const NEW = "created_at >= now() - interval '90 days'";

let cluster: Cluster;
let shards: Sql[];
let dir: string;
const urls = () => cluster.shards.flatMap((s) => ['--url', s.primary.url]);

// Even ids are 100–101 days old, odd ids 10–11 days old: exactly half is older than 90 days,
// and no row is near the cut-off. Some NULLs, empty strings and JSON to exercise the CSV path.
const EVENTS_DDL = `
  create table events (
    user_id bigint not null, id bigint not null, kind text, amount numeric(10,2), payload jsonb,
    created_at timestamptz not null, primary key (user_id, id));
  insert into events
  select g % 5000, g, case when g % 7 = 0 then '' when g % 11 = 0 then null else 'kind-' || (g % 5) end,
    case when g % 13 = 0 then null else (g % 10000) / 100.0 end,
    case when g % 3 = 0 then null else jsonb_build_object('n', g, 'tag', 'it''s "quoted"') end,
    now() - (case when g % 2 = 0 then 100 else 10 end) * interval '1 day' - (g % 86400) * interval '1 second'
  from generate_series($FROM, $TO) g;
  analyze events;`;

/** Sum of per-shard count/checksum of `where` (the archiver's own checksum, computed in PostgreSQL). */
async function fleetChecksum(where: string) {
  const source = await describeSourceTable(shards, 'events', undefined);
  let rows = 0;
  let sum = 0n;
  for (const sql of shards) {
    const [r] = await sql.unsafe(checksumQuery(source.columns, `events where ${where}`, 'postgres'));
    rows += Number(r!.rows);
    sum += BigInt(r!.sum);
  }
  return { rows, sum: sum.toString() };
}

/** The seed's kind of report: per kind, how many events and their total amount. */
const REPORT = `select coalesce(kind, '(null)') as kind, count(*) as events, coalesce(sum(amount), 0) as amount,
  count(payload) as with_payload from events where ${OLD} group by 1 order by 1`;

async function postgresReport() {
  const merged = new Map<string, { events: number; cents: number; withPayload: number }>();
  for (const sql of shards) {
    for (const r of await sql.unsafe(REPORT)) {
      const m = merged.get(r.kind) ?? { events: 0, cents: 0, withPayload: 0 };
      m.events += Number(r.events);
      m.cents += Math.round(Number(r.amount) * 100);
      m.withPayload += Number(r.with_payload);
      merged.set(r.kind, m);
    }
  }
  return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

beforeAll(async () => {
  cluster = await startCluster({ shards: 4, replicas: 0 });
  shards = cluster.shards.map((s) => postgres(s.primary.url, { max: 1, onnotice: () => {} }));
  await Promise.all(
    cluster.shards.map((s, i) =>
      runSql(
        s.primary.url,
        EVENTS_DDL.replace('$FROM', String(i * ROWS_PER_SHARD + 1)).replace(
          '$TO',
          String((i + 1) * ROWS_PER_SHARD),
        ),
      ),
    ),
  );
  dir = mkdtempSync(path.join(os.tmpdir(), 'archive-test-'));
}, 180_000);

afterAll(async () => {
  await Promise.all((shards ?? []).map((s) => s.end()));
  await cluster?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('bad input is refused before anything moves (exit 2)', async () => {
  const to = path.join(dir, 'never.duckdb');
  const cases: [string[], RegExp][] = [
    [
      [
        '--table',
        'events',
        '--older-than',
        '90d',
        '--to',
        to,
        '--url',
        'postgres://app:hunter2@127.0.0.1:1/x',
      ],
      /cannot connect/,
    ],
    [
      ['--table', 'nope', '--older-than', '90d', '--to', to, ...urls()],
      /Table "nope" does not exist on shard 0/,
    ],
    [
      ['--table', 'events', '--older-than', '90d', '--column', 'kind', '--to', to, ...urls()],
      /needs a timestamp or date/,
    ],
    [['--table', 'events', '--older-than', 'ninety days', '--to', to, ...urls()], /Cannot make a cut-off/],
    [['--table', 'events', '--to', to, ...urls()], /--older-than or --before/],
  ];
  for (const [args, message] of cases) {
    const c = capture();
    expect(await run(['archive', ...args], c.io, dir), args.join(' ')).toBe(2);
    expect(c.err.join('')).toMatch(message);
    expect(c.all.join('')).not.toContain('hunter2');
  }
  expect(existsSync(to)).toBe(false);
});

it('a dry run counts the old half and changes nothing', async () => {
  const c = capture();
  expect(
    await run(['archive', '--dry-run', '--table', 'events', '--older-than', '90d', ...urls()], c.io, dir),
  ).toBe(0);
  expect(c.out.join('')).toContain(
    `${(2 * ROWS_PER_SHARD).toLocaleString('en-US')} rows of "events" would move`,
  );
  expect((await fleetChecksum('true')).rows).toBe(4 * ROWS_PER_SHARD);
});

it('a store batch that does not match the shard is rejected and leaves nothing behind', async () => {
  const store = await DuckDbArchive.open(path.join(dir, 'tamper.duckdb'));
  try {
    const source = await describeSourceTable(shards, 'events', undefined);
    await store.prepareTable(source);
    const where = 'user_id = 1';
    const [expected] = await shards[0]!.unsafe(
      checksumQuery(source.columns, `events where ${where}`, 'postgres'),
    );
    const rows = await shards[0]!.unsafe(
      `select user_id, id, kind, amount, payload, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' as created_at from events where ${where}`,
    );
    const csv = rows.map((r, i) =>
      [
        r.user_id,
        r.id,
        r.kind === null ? '' : `"${r.kind}"`,
        i === 0 ? '999.99' : (r.amount ?? ''),
        r.payload === null ? '' : `"${JSON.stringify(r.payload).replaceAll('"', '""')}"`,
        r.created_at,
      ].join(','),
    );
    writeFileSync(path.join(dir, 'tampered.csv'), `${csv.join('\n')}\n`);
    const entry = {
      table: 'events',
      shard: 0,
      cutoff: 'x',
      firstKey: ['1'],
      lastKey: ['1'],
      checksum: { rows: Number(expected!.rows), sum: String(expected!.sum) },
    };
    await expect(store.loadBatch(source, path.join(dir, 'tampered.csv'), entry)).rejects.toMatchObject({
      code: 'ARCHIVE_VERIFY_FAILED',
    });
    expect(await store.checksum(source)).toEqual({ rows: 0, sum: '0' });
    for (const shard of [0, 1, 2, 3]) expect(await store.batches('events', shard, 'copied')).toEqual([]);
  } finally {
    store.close();
  }
});

it('archives exactly the old half of 1,000,000 rows across 4 shards, surviving a SIGKILL midway', async () => {
  const oldBefore = await fleetChecksum(OLD);
  const newBefore = await fleetChecksum(NEW);
  const reportBefore = await postgresReport();
  expect(oldBefore.rows).toBe(2 * ROWS_PER_SHARD);
  const to = path.join(dir, 'warehouse.duckdb');
  const args = [
    'archive',
    '--table',
    'events',
    '--older-than',
    '90d',
    '--to',
    to,
    '--batch-size',
    '5000',
    ...urls(),
  ];

  // First run: killed with SIGKILL once it has archived a few batches of shard 1.
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const started = Date.now();
  while (!/shard 1 \[[#-]+\] [1-9]/.test(output) && Date.now() - started < 120_000) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(child.exitCode, output).toBeNull();
  child.kill('SIGKILL');
  await exited;
  const midway = await fleetChecksum(OLD);
  expect(midway.rows).toBeGreaterThan(0);
  expect(midway.rows).toBeLessThan(oldBefore.rows);

  // Second run finishes the job.
  const c = capture();
  expect(await run(args, c.io, dir), c.all.join('')).toBe(0);
  expect(c.out.join('')).toMatch(/rows of "events" are in .*warehouse\.duckdb, verified/);

  // The shards hold exactly the new half; the archive exactly the old half.
  expect(await fleetChecksum(NEW)).toEqual(newBefore);
  expect((await fleetChecksum(OLD)).rows).toBe(0);
  const store = await DuckDbArchive.open(to, { create: false });
  try {
    const source = await describeSourceTable(shards, 'events', undefined);
    expect(await store.checksum(source)).toEqual(oldBefore);
    const [dups] = await store.query('select count(*) - count(distinct (user_id, id)) as dups from events');
    expect(Number(dups!.dups)).toBe(0);
    for (const shard of [0, 1, 2, 3]) expect(await store.batches('events', shard, 'copied')).toEqual([]);
  } finally {
    store.close();
  }

  // The archive answers the seed's report as PostgreSQL did before archiving.
  const q = capture();
  const sql = REPORT.replace(` where ${OLD}`, '');
  expect(await run(['archive', 'query', '--json', '--to', to, sql], q.io, dir)).toBe(0);
  const archived = (JSON.parse(q.out.join('')) as Record<string, string>[]).map(
    (r) =>
      [
        r.kind,
        {
          events: Number(r.events),
          cents: Math.round(Number(r.amount) * 100),
          withPayload: Number(r.with_payload),
        },
      ] as const,
  );
  expect(archived).toEqual(reportBefore);

  // Running again moves nothing.
  const again = capture();
  expect(await run(args, again.io, dir)).toBe(0);
  expect(again.out.join('')).toContain('0 rows of "events"');
}, 600_000);

it('finishes batches a crash left between store and shard: still there, already deleted, or changed since', async () => {
  const p0 = cluster.shards[0]!.primary.url;
  for (const s of cluster.shards) {
    await runSql(
      s.primary.url,
      'create table logs (id bigint primary key, msg text, created_at timestamptz not null)',
    );
  }
  await runSql(
    p0,
    "insert into logs select g, 'line ' || g, now() - interval '40 days' from generate_series(1, 30) g",
  );
  // A directory target: the store is DIR/archive.duckdb, and each run ends with DIR/logs.parquet.
  const to = `${path.join(dir, 'logs-archive')}/`;
  const base = {
    shards: cluster.shards.map((s) => s.primary.url),
    table: 'logs',
    olderThan: '30d',
    to,
    batchSize: 10,
  };
  // The state a crash between the store's commit and the shard's delete leaves.
  const crash = () => {
    throw new Error('crash after store commit');
  };
  const copied = async () => {
    const store = await DuckDbArchive.open(storeFile(to), { create: false });
    try {
      return (await store.batches('logs', 0, 'copied')).map((b) => [b.firstKey, b.lastKey, b.checksum.rows]);
    } finally {
      store.close();
    }
  };
  const onShard = async () => Number((await shards[0]!`select count(*) as n from logs`)[0]!.n);

  await expect(archiveTable({ ...base, onBatchStored: crash })).rejects.toThrow('crash after store commit');
  expect(await onShard()).toBe(30);
  expect(await copied()).toEqual([[['1'], ['10'], 10]]);

  // Row 3 changes before the next run: that batch is dropped from the store and archived anew.
  await runSql(p0, "update logs set msg = 'edited' where id = 3");
  await expect(archiveTable({ ...base, onBatchStored: crash })).rejects.toThrow('crash after store commit');
  expect(await copied()).toEqual([[['1'], ['10'], 10]]);

  // The shard's delete had committed (rows gone) but the run died before marking the batch done.
  await runSql(p0, 'delete from logs where id <= 10');
  await expect(archiveTable({ ...base, onBatchStored: crash })).rejects.toThrow('crash after store commit');
  expect(await copied()).toEqual([[['11'], ['20'], 10]]);

  // A clean run finishes the copied batch (rows still on the shard) and the rest.
  const report = await archiveTable(base);
  expect(report.shards[0]).toMatchObject({ rows: 10, resumed: 1 });
  expect(report.parquet).toBe(path.join(dir, 'logs-archive', 'logs.parquet'));
  expect(await onShard()).toBe(0);
  const store = await DuckDbArchive.open(storeFile(to), { create: false });
  try {
    const parquet = await store.query(`select id, msg from read_parquet('${report.parquet}') order by id`);
    const rows = await store.query('select id, msg from logs order by id');
    expect(parquet).toEqual(rows);
    expect(rows.map((r) => Number(r.id))).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(rows.find((r) => Number(r.id) === 3)?.msg).toBe('edited');
    expect(await store.batches('logs', 0, 'copied')).toEqual([]);
  } finally {
    store.close();
  }
});
