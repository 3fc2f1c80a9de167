import path from 'node:path';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DDL } from '../../../examples/orders-app/src/schema.ts';
import { run } from '../src/index.ts';
import { capture } from './support/capture.ts';

const APP = path.resolve(import.meta.dirname, '../../../examples/orders-app');

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ shards: 2 });
  for (const s of cluster.shards) await runSql(s.primary.url, DDL);
});
afterAll(() => cluster?.destroy());

it('indexes apply creates the generated recommendations on every primary, valid, and is idempotent', async () => {
  const urls = cluster.shards.flatMap((s) => ['--url', s.primary.url]);
  const first = capture();
  expect(await run(['indexes', 'apply', ...urls], first.io, APP)).toBe(0);
  expect(first.out.join('')).toContain('shard 1 orders_user_id_created_at_desc_idx: created');
  for (const s of cluster.shards) {
    const sql = postgres(s.primary.url, { max: 1 });
    const rows =
      await sql`select c.relname, i.indisvalid from pg_index i join pg_class c on c.oid = i.indexrelid
      where c.relname in ('orders_user_id_created_at_desc_idx', 'users_email_idx') order by 1`;
    await sql.end();
    expect(rows.map((r) => [r.relname, r.indisvalid])).toEqual([
      ['orders_user_id_created_at_desc_idx', true],
      ['users_email_idx', true],
    ]);
  }
  const again = capture();
  expect(await run(['indexes', 'apply', ...urls], again.io, APP)).toBe(0);
  expect(again.out.join('')).toContain('orders_user_id_created_at_desc_idx: already-valid');
});

it('indexes apply without primaries, or without a generated file, exits 2 and says what to do', async () => {
  const none = capture();
  expect(await run(['indexes', 'apply'], none.io, APP)).toBe(2);
  expect(none.err.join('')).toContain('--url');
  const missing = capture();
  expect(
    await run(
      ['indexes', 'apply', '--url', 'postgres://x@127.0.0.1:1/x', '--from', 'nope.json'],
      missing.io,
      APP,
    ),
  ).toBe(2);
  expect(missing.err.join('')).toContain('run `drizzle-shard generate` first');
});
