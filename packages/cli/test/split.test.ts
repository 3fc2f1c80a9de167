import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DDL } from '../../../examples/orders-app/src/schema.ts';
import { run } from '../src/index.ts';
import { capture } from './support/capture.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/drizzle-shard.mjs');
const APP = path.resolve(import.meta.dirname, '../../../examples/orders-app');

let cluster: Cluster;
let dir: string;
let args: string[];

beforeAll(async () => {
  cluster = await startCluster({ shards: 3 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'split-cli-'));
  const source = cluster.shards[0]!.primary.url;
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
    ...cluster.shards.slice(1).flatMap((s) => ['--to', s.primary.url]),
    '--map',
    path.join(dir, 'fleet.json'),
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
