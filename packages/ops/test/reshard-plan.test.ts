import { ShardMap, type ShardMapJson } from 'drizzle-shard';
import { describe, expect, it } from 'vitest';
import {
  type FleetMapFile,
  planFromFleetMap,
  planRepin,
  planReshard,
  planShrink,
  repinPlanFromFleetMap,
  shrinkPlanFromFleetMap,
} from '../src/index.ts';
import { unitsSql } from '../src/reshard/reshard-plan.ts';

const fleet = (map: ShardMap, shards: number, extra: Partial<FleetMapFile> = {}): FleetMapFile => ({
  format: 1,
  version: 3,
  mode: 'sharded',
  source: 'postgres://db/src',
  shards: Array.from({ length: shards }, (_, i) => `postgres://db/s${i}`),
  map: map.toJSON(),
  updatedAt: '2026-12-01T00:00:00Z',
  ...extra,
});
const add = (n: number, from: number) => Array.from({ length: n }, (_, i) => `postgres://db/s${from + i}`);
const tables = [{ name: 'orders', kind: 'sharded' as const, keyColumn: 'user_id', keyKind: 'int' as const }];

describe('planReshard', () => {
  it('4 → 8 hash: each old shard keeps half its buckets and gives the other half to one new shard', () => {
    const plan = planReshard(fleet(ShardMap.hash({ shards: 4 }), 4), add(4, 4), tables);
    expect(plan.shards).toHaveLength(8);
    expect(plan.map.toJSON().epoch).toBe(2);
    expect(plan.moves.map((m) => [m.from, m.to, m.units.length])).toEqual([
      [0, 4, 512],
      [1, 5, 512],
      [2, 6, 512],
      [3, 7, 512],
    ]);
    const old = plan.oldMap;
    for (let b = 0; b < 4096; b++) {
      const now = plan.map.shardOfBucket(b);
      const moved = plan.moves.find((m) => m.units.includes(b));
      expect(now).toBe(moved ? moved.to : old.shardOfBucket(b)); // only moved buckets change owner
    }
    for (let s = 0; s < 8; s++) {
      expect(plan.map.toJSON().strategy === 'hash' && plan.map.ownsSql('k', 'int', s)).toContain('between');
    }
  });

  it('4 → 6 hash: shares are even (682 or 683 buckets) and only surplus buckets move', () => {
    const plan = planReshard(fleet(ShardMap.hash({ shards: 4 }), 4), add(2, 4), tables);
    const owned = new Array(6).fill(0);
    for (let b = 0; b < 4096; b++) owned[plan.map.shardOfBucket(b)]++;
    expect(owned.every((n) => n === 682 || n === 683)).toBe(true);
    const moved = plan.moves.reduce((n, m) => n + m.units.length, 0);
    expect(moved).toBe(owned[4] + owned[5]);
  });

  it('modulo 4 → 8: residue r of 8 moves from shard r % 4 to shard r; a non-multiple is refused', () => {
    const plan = planReshard(fleet(ShardMap.modulo(4), 4), add(4, 4), tables);
    expect(plan.map.toJSON()).toMatchObject({ strategy: 'modulo', shards: 8, epoch: 2 });
    expect(plan.moves).toEqual([
      { from: 0, to: 4, units: [4] },
      { from: 1, to: 5, units: [5] },
      { from: 2, to: 6, units: [6] },
      { from: 3, to: 7, units: [7] },
    ]);
    expect(() => planReshard(fleet(ShardMap.modulo(4), 4), add(2, 4), tables)).toThrow(
      expect.objectContaining({
        code: 'RESHARD_BAD_INPUT',
        message: expect.stringContaining('multiple of its shard count'),
      }),
    );
  });

  it('refuses a fleet that is not sharded yet, no new shard, or a new shard that is already in the fleet', () => {
    const map = ShardMap.hash({ shards: 2 });
    expect(() => planReshard(fleet(map, 2, { mode: 'single' }), add(2, 2), tables)).toThrow(/split cutover/);
    expect(() => planReshard(fleet(map, 2), [], tables)).toThrow(/at least one new shard/);
    expect(() => planReshard(fleet(map, 2), ['postgres://db/s1'], tables)).toThrow(/database of its own/);
  });

  it('rebuilds the plan from the replaced layout once the new map is live (a resumed cutover)', () => {
    const before = fleet(ShardMap.hash({ shards: 4 }), 4);
    const plan = planReshard(before, add(4, 4), tables);
    const after: FleetMapFile = {
      ...before,
      version: 4,
      shards: plan.shards,
      map: plan.map.toJSON(),
      previous: { version: 3, shards: before.shards, map: before.map },
    };
    const again = planFromFleetMap(after, add(4, 4), tables);
    expect(again.map.toJSON()).toEqual(plan.map.toJSON());
    expect(again.moves).toEqual(plan.moves);
    expect(again.current.version).toBe(3);
  });

  it('writes unit sets as ranges', () => {
    expect(unitsSql('u', [1, 2, 3, 7, 9, 10])).toBe('(u between 1 and 3 or u = 7 or u between 9 and 10)');
    expect(unitsSql('u', [])).toBe('false');
  });
});

describe('planShrink', () => {
  it('8 → 4 after a 4 → 8 growth: every bucket goes back to the shard that gave it', () => {
    const grown = planReshard(fleet(ShardMap.hash({ shards: 4 }), 4), add(4, 4), tables);
    const file = fleet(grown.map, 8, { version: 4 });
    const plan = planShrink(file, 4, tables);
    expect(plan.fleet).toEqual(file.shards.slice(0, 4));
    expect(plan.shards).toEqual(file.shards);
    expect(plan.map.toJSON().epoch).toBe(3);
    expect(plan.moves.map((m) => [m.from, m.to, m.units.length])).toEqual([
      [4, 0, 512],
      [5, 1, 512],
      [6, 2, 512],
      [7, 3, 512],
    ]);
    for (let b = 0; b < 4096; b++) expect(plan.map.shardOfBucket(b)).toBe(grown.oldMap.shardOfBucket(b));
  });

  it('5 → 3 hash: only the leaving shards give buckets, and the shards that stay end with even shares', () => {
    const plan = planShrink(fleet(ShardMap.hash({ shards: 5 }), 5), 3, tables);
    expect(plan.moves.every((m) => m.from >= 3 && m.to < 3)).toBe(true);
    const owned = new Array(3).fill(0);
    for (let b = 0; b < 4096; b++) {
      const now = plan.map.shardOfBucket(b);
      const before = plan.oldMap.shardOfBucket(b);
      owned[now]++;
      if (before < 3)
        expect(now).toBe(before); // a staying shard keeps every bucket it had
      else
        expect(plan.moves.some((m) => m.from === before && m.to === now && m.units.includes(b))).toBe(true);
    }
    expect(owned.every((n) => n === 1365 || n === 1366)).toBe(true);
  });

  it('uneven shares: a staying shard above its share keeps it, the leaving buckets still all find a home', () => {
    const map = ShardMap.fromJSON({
      format: 1,
      strategy: 'hash',
      epoch: 1,
      buckets: 16,
      ranges: [
        { from: 0, to: 11, shard: 0 },
        { from: 12, to: 13, shard: 1 },
        { from: 14, to: 15, shard: 2 },
      ],
    });
    const plan = planShrink(fleet(map, 3), 2, tables);
    expect(plan.moves).toEqual([{ from: 2, to: 1, units: [14, 15] }]);
    const deep = planShrink(fleet(map, 3), 1, tables);
    expect(deep.moves).toEqual([
      { from: 1, to: 0, units: [12, 13] },
      { from: 2, to: 0, units: [14, 15] },
    ]);
  });

  it('modulo 4 → 2: shard r ≥ 2 sends its rows (residue r of the old modulus) to shard r % 2', () => {
    const plan = planShrink(fleet(ShardMap.modulo(4), 4), 2, tables);
    expect(plan.map.toJSON()).toMatchObject({ strategy: 'modulo', shards: 2, epoch: 2 });
    expect(plan.unitMap.toJSON()).toMatchObject({ strategy: 'modulo', shards: 4 });
    expect(plan.moves).toEqual([
      { from: 2, to: 0, units: [2] },
      { from: 3, to: 1, units: [3] },
    ]);
    expect(() => planShrink(fleet(ShardMap.modulo(4), 4), 3, tables)).toThrow(
      expect.objectContaining({ code: 'RESHARD_BAD_INPUT', message: expect.stringContaining('divisor') }),
    );
  });

  it('refuses a count that does not shrink, and a fleet that is not sharded yet', () => {
    for (const to of [0, 4, 5, 2.5]) {
      expect(() => planShrink(fleet(ShardMap.hash({ shards: 4 }), 4), to, tables)).toThrow(
        expect.objectContaining({ code: 'RESHARD_BAD_INPUT' }),
      );
    }
    expect(() => planShrink(fleet(ShardMap.hash({ shards: 1 }), 1, { mode: 'single' }), 1, tables)).toThrow(
      expect.objectContaining({ code: 'RESHARD_BAD_INPUT', message: expect.stringContaining('split') }),
    );
  });

  it('rebuilds the same plan from the map its cutover wrote (a resumed cutover or a rollback)', () => {
    const file = fleet(ShardMap.hash({ shards: 4 }), 4);
    const plan = planShrink(file, 3, tables);
    const written = {
      ...file,
      version: 4,
      shards: plan.fleet,
      map: plan.map.toJSON(),
      previous: { version: 3, shards: file.shards, map: file.map },
    };
    expect(shrinkPlanFromFleetMap(written, 3, tables).moves).toEqual(plan.moves);
  });
});

describe('a map with a pinned tenant', () => {
  const json = ShardMap.hash({ shards: 4 }).toJSON() as Extract<ShardMapJson, { strategy: 'hash' }>;
  const tenant = (() => {
    for (let k = 1; ; k++) if (ShardMap.hash({ shards: 4 }).shardOf(k, 'int') === 0) return k;
  })();
  const pinned = ShardMap.fromJSON({
    ...json,
    strategy: 'pinned-hash',
    overrides: [{ key: tenant, shard: 3 }],
  });

  it('grows around the tenant: the moves are buckets, the tenant stays on its shard', () => {
    const plan = planReshard(fleet(pinned, 4), add(2, 4), tables);
    expect(plan.map.toJSON()).toMatchObject({
      strategy: 'pinned-hash',
      overrides: [{ key: tenant, shard: 3 }],
    });
    expect(plan.map.shardOf(tenant, 'int')).toBe(3);
    expect(plan.moves.flatMap((m) => m.units).every((u) => u < 4096)).toBe(true);
    // the tenant's rows are not in any move's filter: its unit is 4096, not its bucket
    expect(plan.unitMap.strategy.unitSql('user_id', 'int')).toContain(
      `when (user_id)::int8 = ${tenant} then 4096`,
    );
  });

  it('shrinking away its shard is RESHARD_BAD_INPUT; a repin moves only the tenant, and a bad one is CONFIG_INVALID', () => {
    expect(() => planShrink(fleet(pinned, 4), 3, tables)).toThrow(
      expect.objectContaining({
        code: 'RESHARD_BAD_INPUT',
        message: expect.stringContaining('pin it to one of shards 0..2'),
      }),
    );
    const repin = planRepin(fleet(pinned, 4), [{ key: tenant, shard: 1 }], tables);
    expect(repin.moves).toEqual([{ from: 3, to: 1, units: [4096] }]);
    expect(repin.fleet).toHaveLength(4);
    expect(repin.map.shardOf(tenant, 'int')).toBe(1);
    const first = planRepin(fleet(ShardMap.hash({ shards: 4 }), 4), [{ key: tenant, shard: 2 }], tables);
    expect(first.moves).toEqual([{ from: 0, to: 2, units: [4096] }]);
    expect(() => planRepin(fleet(pinned, 4), [{ key: 'acme', shard: 1 }], tables)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => planRepin(fleet(pinned, 4), [{ key: tenant, shard: 4 }], tables)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it('a resumed repin cutover is recognised when --pin lists the tenants in another order than the map keeps them', () => {
    const other = tenant + 1000;
    const before = fleet(pinned, 4);
    const pins = [
      { key: other, shard: 2 },
      { key: tenant, shard: 1 },
    ];
    const plan = planRepin(before, pins, tables);
    // Tenants pinned before keep their unit (ids carry it): the map lists them first.
    expect(plan.map.toJSON()).toMatchObject({
      overrides: [
        { key: tenant, shard: 1 },
        { key: other, shard: 2 },
      ],
    });
    const after: FleetMapFile = {
      ...before,
      version: 4,
      map: plan.map.toJSON(),
      previous: { version: 3, shards: before.shards, map: before.map },
    };
    const again = repinPlanFromFleetMap(after, pins, tables);
    expect(again.moves).toEqual(plan.moves);
    expect(again.moves.length).toBeGreaterThan(0);
    expect(again.current.version).toBe(3);
  });
});
