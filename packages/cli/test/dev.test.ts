import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, expect, it } from 'vitest';
import { run } from '../src/index.ts';
import { capture } from './support/capture.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/drizzle-shard.mjs');
const dir = mkdtempSync(path.join(os.tmpdir(), 'dev-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('dev up runs a cluster in the foreground; status prints the config; down stops it and cleans up', async () => {
  const child = spawn(process.execPath, [BIN, 'dev', 'up', '--shards', '2', '--replicas', '0'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let printed = '';
  child.stdout!.on('data', (d) => (printed += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  for (let i = 0; i < 600 && !printed.includes('ready.'); i++) await new Promise((r) => setTimeout(r, 100));
  expect(printed).toContain("shards: [\n    { primary: 'postgres://postgres@127.0.0.1:");

  const status = capture();
  expect(await run(['dev', 'status'], status.io, dir)).toBe(0);
  const url = /primary: '([^']+)'/.exec(status.all.join(''))![1]!;
  const sql = postgres(url, { max: 1 });
  expect((await sql`select 1 as one`)[0]!.one).toBe(1);
  await sql.end();
  const again = capture();
  expect(await run(['dev', 'up'], again.io, dir)).toBe(1); // one at a time

  expect(await run(['dev', 'down'], capture().io, dir)).toBe(0);
  expect(await exited).toBe(0);
  expect(existsSync(path.join(dir, '.drizzle-shard/dev.json'))).toBe(false);
  expect(await run(['dev', 'status'], capture().io, dir)).toBe(1);
});
