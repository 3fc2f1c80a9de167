import path from 'node:path';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../src/index.ts';
import { capture } from './support/capture.ts';

const FOLDER = path.resolve(import.meta.dirname, '../../ops/test/fixtures/migrations');
let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ shards: 2 });
});
afterAll(() => cluster?.destroy());

it('migrate applies the folder to every shard; status exits 1 on drift and prints what differs; bad input exits 2', async () => {
  const { io, out, err } = capture();
  const urls = cluster.shards.flatMap((s) => ['--url', s.primary.url]);
  expect(await run(['migrate', '--migrations', FOLDER, ...urls], io, process.cwd())).toBe(0);
  expect(out.join('')).toContain('every shard has all 3 migrations');
  expect(await run(['migrate', 'status', '--migrations', FOLDER, ...urls], io, process.cwd())).toBe(0);
  await runSql(cluster.shards[1]!.primary.url, 'alter table coupons add column note text');
  expect(await run(['migrate', 'status', '--migrations', FOLDER, ...urls], io, process.cwd())).toBe(1);
  expect(out.join('')).toContain('shard 1: 3/3 applied; schema differs from the other shards');
  expect(out.join('')).toContain('only here: coupons.note text');
  expect(await run(['migrate', '--migrations', '/nonexistent', ...urls], io, process.cwd())).toBe(2);
  expect(err.join('')).toContain('MIGRATE_FOLDER_INVALID');
  expect(await run(['migrate'], io, process.cwd())).toBe(2);
});
