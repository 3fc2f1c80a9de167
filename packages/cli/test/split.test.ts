import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { ShardMap } from 'drizzle-shard';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DDL } from '../../../examples/orders-app/src/schema.ts';
import { run } from '../src/index.ts';
import { capture } from './support/capture.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/drizzle-shard.mjs');
const APP = path.resolve(import.meta.dirname, '../../../examples/orders-app');

let cluster: Cluster;
let dir: string;
let args: string[];
let mapFile: string;

beforeAll(async () => {
  // shard 0 is the single database, 1–2 the split's shards, 3–4 the reshard's new ones
  cluster = await startCluster({ shards: 5 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'split-cli-'));
  const source = cluster.shards[0]!.primary.url;
  mapFile = path.join(dir, 'fleet.json');
  await runSql(
    source,
    `${DDL}
    insert into users select g, 'u' || g || '@example.com', 'User ' || g from generate_series(1, 20000) g;
    insert into orders select 1 + g % 20000, g, 'paid', 9.99, now() - g * interval '1 minute' from generate_series(1, 200000) g;
    insert into events (user_id, kind) select 1 + g % 20000, 'page_view' from generate_series(1, 50000) g;
    insert into countries values ('NO', 'Norway'), ('SE', 'Sweden');`,
  );
  args = [
    '--from',
    source,
    ...cluster.shards.slice(1, 3).flatMap((s) => ['--to', s.primary.url]),
    '--map',
    mapFile,
  ];
}, 120_000);

afterAll(async () => {
  await cluster?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs `drizzle-shard split start` in a child process and SIGKILLs it after `ms`. */
async function killedAfter(ms: number): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'split', 'start', ...args], {
    cwd: APP,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  return output;
}

it('a --pin the schema cannot hold (a text tenant for integer keys) exits 2 with CONFIG_INVALID before anything changes', async () => {
  const c = capture();
  expect(await run(['split', 'start', ...args, '--pin', 'acme=1'], c.io, APP)).toBe(2);
  expect(c.err.join('')).toMatch(/override 0 .*not a shard key value for int keys.*\[CONFIG_INVALID\]/);
  expect(
    await runSql(cluster.shards[1]!.primary.url, "select 1 from pg_tables where tablename = 'orders'"),
  ).toEqual([]);
});

it('split start survives SIGKILL at random points (5 runs), then completes; verify and cutover pass', async () => {
  for (const ms of [800, 1600, 2400, 3200, 4000].map((base) => base + Math.floor(Math.random() * 800))) {
    const output = await killedAfter(ms);
    expect(output).not.toMatch(/SPLIT_BAD_INPUT|Error/);
  }
  const c = capture();
  expect(await run(['split', 'start', ...args], c.io, APP), c.all.join('')).toBe(0);
  expect(c.out.join('')).toContain('every target is ready (2 shards, 5 tables)');

  const v = capture();
  expect(await run(['split', 'verify', ...args], v.io, APP), v.all.join('')).toBe(0);
  expect(v.out.join('')).toContain('orders: 200000 rows in');
  expect(v.out.join('')).toContain('verified: every bucket matches');

  const cut = capture();
  expect(await run(['split', 'cutover', ...args], cut.io, APP), cut.all.join('')).toBe(0);
  expect(cut.out.join('')).toMatch(/cutover done: writes paused \d+ ms; fleet map version 2 \(sharded\)/);
  expect(cut.out.join('')).toContain('verified: every bucket matches');

  // A second start after the cutover is refused: the targets have data and no subscription now.
  const again = capture();
  expect(await run(['split', 'start', ...args], again.io, APP)).toBe(2);
  expect(again.err.join('')).toContain('SPLIT_TARGET_NOT_EMPTY');
}, 300_000);

it('reshard grows the split fleet 2 → 4 (bad input exits 2, start, status, cutover; every row on its new owner), then shrinks it back to 2', async () => {
  const add = cluster.shards.slice(3).flatMap((s) => ['--add', s.primary.url]);
  const bad = capture();
  expect(await run(['reshard', ...add, '--to', '5', '--map', mapFile], bad.io, APP)).toBe(2);
  expect(bad.err.join('')).toContain('--to 5 does not match');
  const noMap = capture();
  expect(await run(['reshard', ...add, '--map', path.join(dir, 'none.json')], noMap.io, APP)).toBe(2);
  expect(noMap.err.join('')).toContain('RESHARD_BAD_INPUT');

  const start = capture();
  expect(
    await run(['reshard', 'start', ...add, '--to', '4', '--map', mapFile], start.io, APP),
    start.all.join(''),
  ).toBe(0);
  expect(start.out.join('')).toContain('moves 0→2 (1024 buckets), 1→3 (1024 buckets)');
  expect(start.out.join('')).toContain('every move is ready');
  const status = capture();
  expect(await run(['reshard', 'status', ...add, '--map', mapFile], status.io, APP)).toBe(0);
  expect(status.out.join('')).toMatch(/move 0→2: \d+\/\d+ tables ready/);

  const cut = capture();
  expect(await run(['reshard', 'cutover', ...add, '--map', mapFile], cut.io, APP), cut.all.join('')).toBe(0);
  expect(cut.out.join('')).toMatch(/cutover done: writes paused \d+ ms; fleet map version 3 \(4 shards\)/);
  expect(cut.out.join('')).toContain('verified: every bucket matches');
  expect(cut.out.join('')).toMatch(/old owners cleaned: shard 0 [\d,]+ rows, shard 1 [\d,]+ rows/);
  const again = capture();
  expect(await run(['reshard', 'cutover', ...add, '--map', mapFile], again.io, APP), again.all.join('')).toBe(
    0,
  );
  expect(again.out.join('')).toContain('old owners were already clean');
  const late = capture();
  expect(await run(['reshard', 'start', ...add, '--map', mapFile], late.io, APP)).toBe(0);
  expect(late.out.join('')).toContain('the new layout (4 shards) is already live');
  const back = capture();
  expect(await run(['reshard', 'rollback', ...add, '--map', mapFile], back.io, APP)).toBe(1);
  expect(back.err.join('')).toContain('RESHARD_NOT_READY');

  const map = JSON.parse(readFileSync(mapFile, 'utf8'));
  const shards = ShardMap.fromJSON(map.map);
  let orders = 0;
  for (const [i, url] of (map.shards as string[]).entries()) {
    const [r] = await runSql<{ n: number; foreign: number }[]>(
      url,
      `select count(*)::int as n, count(*) filter (where not ${shards.ownsSql('user_id', 'int', i)})::int as foreign from orders`,
    );
    expect(r!.foreign).toBe(0);
    expect(r!.n).toBeGreaterThan(0);
    orders += r!.n;
  }
  expect(orders).toBe(200_000);

  // And back to 2 shards: --to alone shrinks; the shards that leave end empty.
  const shrink = capture();
  expect(await run(['reshard', '--to', '2', '--map', mapFile], shrink.io, APP), shrink.all.join('')).toBe(0);
  expect(shrink.out.join('')).toContain(
    'reshard 4 → 2 shards, map epoch 3: moves 2→0 (1024 buckets), 3→1 (1024 buckets)',
  );
  const shrinkCut = capture();
  expect(
    await run(['reshard', 'cutover', '--to', '2', '--map', mapFile], shrinkCut.io, APP),
    shrinkCut.all.join(''),
  ).toBe(0);
  expect(shrinkCut.out.join('')).toMatch(/fleet map version 4 \(2 shards\)/);
  expect(shrinkCut.out.join('')).toMatch(/old owners cleaned: shard 2 [\d,]+ rows, shard 3 [\d,]+ rows/);
  const small = JSON.parse(readFileSync(mapFile, 'utf8'));
  expect(small.shards).toEqual(map.shards.slice(0, 2));
  const left = await Promise.all(
    (map.shards as string[]).map((url) =>
      runSql<{ n: number }[]>(url, 'select count(*)::int as n from orders').then((r) => r[0]!.n),
    ),
  );
  expect(left[0]! + left[1]!).toBe(200_000);
  expect(left.slice(2)).toEqual([0, 0]);
}, 300_000);
