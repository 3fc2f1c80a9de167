import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ShardMap } from 'drizzle-shard';
import { expect, it } from 'vitest';
import { driverLayout, type FleetMapFile, watchFleetMap, writeFleetMap } from '../src/index.ts';

it('calls back with each newer fleet-map version and skips a file that is half-written', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'watch-map-'));
  const file = path.join(dir, 'fleet.json');
  const layout = {
    source: 'postgres://db/src',
    shards: ['postgres://db/a'],
    map: ShardMap.hash({ shards: 1 }).toJSON(),
  };
  writeFleetMap(file, { mode: 'single', ...layout });
  const seen: FleetMapFile[] = [];
  const watch = watchFleetMap(file, (m) => seen.push(m), { intervalMs: 20 });
  try {
    expect(watch.current?.version).toBe(1);
    const until = async (n: number) => {
      for (let i = 0; i < 200 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    };
    const v1 = readFileSync(file, 'utf8');
    writeFileSync(file, v1.slice(0, 20)); // a half-written file is not a map: skipped
    await new Promise((r) => setTimeout(r, 100));
    writeFileSync(file, v1.replace('"version": 1', '"version": 2').replace('"single"', '"sharded"'));
    await until(1);
    expect(seen.map((m) => [m.version, m.mode])).toEqual([[2, 'sharded']]);
    writeFleetMap(file, { mode: 'single', ...layout });
    await until(2);
    expect(seen.map((m) => m.version)).toEqual([2, 3]);
    writeFleetMap(file, { mode: 'single', ...layout, shards: ['postgres://db/b'] });
    await until(3);
    expect(seen.map((m) => m.version)).toEqual([2, 3, 4]);
    expect(watch.current?.shards).toEqual(['postgres://db/b']);
    expect(driverLayout(watch.current!).shards).toEqual([{ primary: 'postgres://db/src' }]); // still single
    const sharded = driverLayout({ ...watch.current!, mode: 'sharded' });
    expect(sharded.shards).toEqual([{ primary: 'postgres://db/b' }]);
    expect(sharded.shardMap.shardCount).toBe(1);
  } finally {
    watch.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
