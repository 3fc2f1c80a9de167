import { createServer } from 'node:net';
import type { IndexRecommendation } from '@drizzle-shard/codegen';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APPLY_APPLICATION_NAME,
  type ApplyProgressEvent,
  type ApplyReport,
  applyIndexes,
  type ShardTarget,
} from '../../src/index.ts';

let cluster: Cluster;
let primaries: ShardTarget[];

beforeAll(async () => {
  cluster = await startCluster({ shards: 2 });
  primaries = cluster.shards.map((s) => ({ shard: s.index, url: s.primary.url }));
});

afterAll(async () => {
  await cluster?.destroy();
});

function rec(
  table: string,
  name: string,
  columns: [string, 'asc' | 'desc'][],
  unique = false,
): IndexRecommendation {
  return {
    table,
    name,
    columns: columns.map(([n, direction]) => ({ name: n, direction })),
    unique,
    sources: [],
  };
}

async function onEveryShard(statement: string): Promise<void> {
  for (const p of primaries) await runSql(p.url, statement);
}

interface IndexRow {
  valid: boolean;
  ready: boolean;
  def: string;
}

/** Reads pg_index directly, independent of the code under test. */
async function indexRow(url: string, name: string): Promise<IndexRow | undefined> {
  const rows = await runSql<IndexRow[]>(
    url,
    `select i.indisvalid as valid, i.indisready as ready, pg_get_indexdef(c.oid) as def
       from pg_class c join pg_index i on i.indexrelid = c.oid
      where c.relname = '${name.replaceAll("'", "''")}' and c.relnamespace = 'public'::regnamespace`,
  );
  return rows[0];
}

function outcomes(report: ApplyReport): Record<string, string> {
  const out: Record<string, string> = {};
  for (const shard of report.shards) {
    for (const index of shard.indexes) out[`${shard.shard}:${index.index}`] = index.outcome;
  }
  return out;
}

async function openApplyConnections(url: string): Promise<number> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const [row] = await runSql<{ n: number }[]>(
      url,
      `select count(*)::int as n from pg_stat_activity where application_name = '${APPLY_APPLICATION_NAME}'`,
    );
    if (row!.n === 0 || Date.now() > deadline) return row!.n;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

describe('applyIndexes on a real 2-shard fleet', () => {
  it('creates every index on every shard, valid, then reports already-valid on a second run', async () => {
    await onEveryShard(
      'create table orders (id bigint primary key, user_id bigint not null, status text, created_at timestamp not null)',
    );
    await onEveryShard(
      `insert into orders select g, g % 100, 'new', timestamp '2024-01-01' + g * interval '1 minute' from generate_series(1, 5000) g`,
    );
    const recs = [
      rec('orders', 'orders_user_id_created_at_idx', [
        ['user_id', 'asc'],
        ['created_at', 'desc'],
      ]),
      rec('orders', 'orders_status_idx', [['status', 'asc']]),
    ];
    const events: ApplyProgressEvent[] = [];

    const first = await applyIndexes(recs, primaries, { onProgress: (e) => events.push(e) });

    expect(first.ok).toBe(true);
    expect(first.failedShards).toEqual([]);
    expect(outcomes(first)).toEqual({
      '0:orders_user_id_created_at_idx': 'created',
      '0:orders_status_idx': 'created',
      '1:orders_user_id_created_at_idx': 'created',
      '1:orders_status_idx': 'created',
    });
    for (const p of primaries) {
      const row = await indexRow(p.url, 'orders_user_id_created_at_idx');
      expect(row).toMatchObject({ valid: true, ready: true });
      expect(row!.def).toContain('(user_id, created_at DESC)');
      expect(await indexRow(p.url, 'orders_status_idx')).toMatchObject({ valid: true, ready: true });
      expect(await openApplyConnections(p.url)).toBe(0);
    }
    for (const shard of [0, 1]) {
      const own = events.filter((e) => e.shard === shard).map((e) => `${e.state}:${e.index}`);
      expect(own).toEqual([
        'start:orders_user_id_created_at_idx',
        'done:orders_user_id_created_at_idx',
        'start:orders_status_idx',
        'done:orders_status_idx',
      ]);
    }
    expect(events.every((e) => e.elapsedMs >= 0)).toBe(true);

    const second = await applyIndexes(recs, primaries);
    expect(second.ok).toBe(true);
    expect(Object.values(outcomes(second))).toEqual([
      'already-valid',
      'already-valid',
      'already-valid',
      'already-valid',
    ]);
  });

  it('drops an INVALID index left by a failed concurrent build and builds it again', async () => {
    await onEveryShard('create table accounts (id bigint primary key, email text not null)');
    await onEveryShard(
      `insert into accounts select g, 'user' || g || '@example.com' from generate_series(1, 1000) g`,
    );
    const shard0 = primaries[0]!.url;
    await runSql(shard0, `insert into accounts values (1001, 'user1@example.com')`);
    // The duplicate makes the unique build fail, which leaves an INVALID index of that name.
    await expect(
      runSql(shard0, 'create unique index concurrently accounts_email_key on accounts (email)'),
    ).rejects.toThrow(/could not create unique index/);
    expect(await indexRow(shard0, 'accounts_email_key')).toMatchObject({ valid: false });
    await runSql(shard0, 'delete from accounts where id = 1001');

    const report = await applyIndexes(
      [rec('accounts', 'accounts_email_key', [['email', 'asc']], true)],
      primaries,
    );

    expect(report.ok).toBe(true);
    expect(outcomes(report)).toEqual({
      '0:accounts_email_key': 'rebuilt',
      '1:accounts_email_key': 'created',
    });
    for (const p of primaries) {
      const row = await indexRow(p.url, 'accounts_email_key');
      expect(row).toMatchObject({ valid: true, ready: true });
      expect(row!.def).toMatch(/^CREATE UNIQUE INDEX/);
    }
  });

  it('gives up after the allowed rebuilds, drops its own failed build, and never touches an INVALID index with retries 0', async () => {
    await onEveryShard('create table tags (id bigint primary key, label text not null)');
    await onEveryShard(`insert into tags select g, 'tag' || (g % 10) from generate_series(1, 100) g`);
    const unique = rec('tags', 'tags_label_key', [['label', 'asc']], true);

    const report = await applyIndexes([unique], primaries.slice(0, 1), { retries: 1 });
    expect(report.ok).toBe(false);
    expect(report.failedShards).toEqual([0]);
    const result = report.shards[0]!.indexes[0]!;
    expect(result.outcome).toBe('failed');
    expect(result.error?.code).toBe('CODEGEN_INDEX_STILL_INVALID');
    expect(result.error?.message).toMatch(/failed 2 time\(s\).*could not create unique index/);
    expect(result.error?.sqlState).toBe('23505');
    expect(await indexRow(primaries[0]!.url, 'tags_label_key')).toBeUndefined();

    const shard1 = primaries[1]!.url;
    await expect(
      runSql(shard1, 'create unique index concurrently tags_label_key on tags (label)'),
    ).rejects.toThrow();
    const kept = await applyIndexes([unique], primaries.slice(1), { retries: 0 });
    expect(kept.shards[0]!.indexes[0]).toMatchObject({
      outcome: 'failed',
      error: { code: 'CODEGEN_INDEX_STILL_INVALID' },
    });
    expect(kept.shards[0]!.indexes[0]!.error!.message).toMatch(/INVALID and retries is 0/);
    expect(await indexRow(shard1, 'tags_label_key')).toMatchObject({ valid: false });
  });

  it('fails a missing table on that shard only, with a clear message, and keeps going', async () => {
    await onEveryShard('create table products (id bigint primary key, sku text not null, price numeric)');
    await runSql(primaries[0]!.url, 'create table customers (id bigint primary key, country text)');
    const recs = [
      rec('customers', 'customers_country_idx', [['country', 'asc']]),
      rec('products', 'products_sku_idx', [['sku', 'asc']]),
      rec('products', 'products_price_idx', [['price', 'desc']]),
    ];
    const events: ApplyProgressEvent[] = [];

    const report = await applyIndexes(recs, primaries, { onProgress: (e) => events.push(e) });

    expect(report.ok).toBe(false);
    expect(report.failedShards).toEqual([1]);
    expect(report.shards.map((s) => s.ok)).toEqual([true, false]);
    expect(outcomes(report)).toEqual({
      '0:customers_country_idx': 'created',
      '0:products_sku_idx': 'created',
      '0:products_price_idx': 'created',
      '1:customers_country_idx': 'failed',
      '1:products_sku_idx': 'created',
      '1:products_price_idx': 'created',
    });
    const failed = report.shards[1]!.indexes[0]!;
    expect(failed.error).toMatchObject({ code: 'CODEGEN_INDEX_BUILD_FAILED', sqlState: '42P01' });
    expect(failed.error!.message).toContain('"customers_country_idx" on "customers" (shard 1)');
    expect(failed.error!.message).toContain('relation "customers" does not exist');
    expect(events.filter((e) => e.state === 'failed').map((e) => `${e.shard}:${e.index}`)).toEqual([
      '1:customers_country_idx',
    ]);
    for (const name of ['products_sku_idx', 'products_price_idx']) {
      expect(await indexRow(primaries[1]!.url, name)).toMatchObject({ valid: true, ready: true });
    }
  });

  it('reports an unreachable shard without its password and still builds on the others', async () => {
    await onEveryShard('create table events (id bigint primary key, kind text)');
    const dead = { shard: 7, url: `postgres://postgres:s3cret-pw@127.0.0.1:${await closedPort()}/postgres` };

    const report = await applyIndexes(
      [rec('events', 'events_kind_idx', [['kind', 'asc']])],
      [primaries[0]!, dead],
    );

    expect(report.failedShards).toEqual([7]);
    expect(outcomes(report)).toEqual({ '0:events_kind_idx': 'created', '7:events_kind_idx': 'failed' });
    const failed = report.shards[1]!;
    expect(failed.url).not.toContain('s3cret-pw');
    expect(failed.indexes[0]!.error?.code).toBe('CODEGEN_INDEX_SHARD_UNREACHABLE');
    expect(failed.indexes[0]!.error?.message).toContain('postgres:***@127.0.0.1');
    expect(JSON.stringify(report)).not.toContain('s3cret-pw');
  });

  it('refuses a shard holding a prepared transaction instead of waiting for it forever', async () => {
    await onEveryShard('create table audit (id bigint primary key, note text)');
    await runSql(
      primaries[1]!.url,
      "begin; insert into audit values (1, 'x'); prepare transaction 'left-behind'",
    );
    try {
      const report = await applyIndexes([rec('audit', 'audit_note_idx', [['note', 'asc']])], primaries);
      expect(outcomes(report)).toEqual({ '0:audit_note_idx': 'created', '1:audit_note_idx': 'failed' });
      const error = report.shards[1]!.indexes[0]!.error!;
      expect(error.code).toBe('CODEGEN_INDEX_BLOCKED_BY_PREPARED_XACT');
      expect(error.message).toContain("'left-behind'");
      expect(await indexRow(primaries[1]!.url, 'audit_note_idx')).toBeUndefined();
    } finally {
      await runSql(primaries[1]!.url, "rollback prepared 'left-behind'");
    }
  });

  it('leaves alone an index of the same name with another definition', async () => {
    await onEveryShard('create table invoices (id bigint primary key, customer_id bigint, due date)');
    await onEveryShard('create index invoices_customer_due_idx on invoices (customer_id)');

    const report = await applyIndexes(
      [
        rec('invoices', 'invoices_customer_due_idx', [
          ['customer_id', 'asc'],
          ['due', 'desc'],
        ]),
      ],
      primaries,
    );

    expect(report.failedShards).toEqual([0, 1]);
    const error = report.shards[0]!.indexes[0]!.error!;
    expect(error.code).toBe('CODEGEN_INDEX_NAME_CONFLICT');
    expect(error.message).toContain('(customer_id)');
    expect((await indexRow(primaries[0]!.url, 'invoices_customer_due_idx'))!.def).toContain('(customer_id)');
  });

  it('refuses bad input before touching any shard', async () => {
    const r = rec('orders', 'dup_idx', [['id', 'asc']]);
    await expect(applyIndexes([r, r], primaries)).rejects.toMatchObject({
      code: 'CODEGEN_INDEX_RECOMMENDATION_INVALID',
    });
    await expect(applyIndexes([r], [primaries[0]!, primaries[0]!])).rejects.toMatchObject({
      code: 'CODEGEN_APPLY_OPTIONS_INVALID',
    });
    await expect(applyIndexes([r], primaries, { retries: -1 })).rejects.toMatchObject({
      code: 'CODEGEN_APPLY_OPTIONS_INVALID',
    });
    await expect(applyIndexes([rec('orders', 'no_columns_idx', [])], primaries)).rejects.toMatchObject({
      code: 'CODEGEN_INDEX_RECOMMENDATION_INVALID',
    });
    expect(await indexRow(primaries[0]!.url, 'dup_idx')).toBeUndefined();
  });
});
