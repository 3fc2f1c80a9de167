import { describe, expect, it } from 'vitest';
import {
  type PinnedHashStrategy,
  ShardMap,
  type ShardMapJson,
  type TenantOverride,
} from '../../src/index.ts';

const hash4 = ShardMap.hash({ shards: 4 });
const pinned = (overrides: readonly TenantOverride[], base: ShardMap = hash4): ShardMap => {
  const json = base.toJSON() as Extract<ShardMapJson, { strategy: 'hash' }>;
  return ShardMap.fromJSON({ ...json, strategy: 'pinned-hash', overrides });
};
/** The first integer key whose bucket lies on `shard` under the 4-shard hash map. */
const keyOn = (shard: number, after = 0) => {
  for (let k = after + 1; ; k++) if (hash4.shardOf(k, 'int') === shard) return k;
};

describe('hash and modulo strategies', () => {
  it('answer the same questions through one interface: owner, unit, unit SQL, share, units per shard', () => {
    const h = hash4.strategy;
    expect(h.name).toBe('hash');
    expect(h.unitCount).toBe(4096);
    expect(h.ownerOfUnit(1024)).toBe(1);
    expect(h.unitsOwnedBy(2)).toBe(1024);
    expect(h.ownedShare(3)).toBe(0.25);
    expect(h.unitLabel(7)).toBe('bucket 7');
    expect(h.pinnedTo(0)).toEqual([]);
    expect(h.unitSql('k', 'int')).toBe('(((hashint8extended((k)::int8, 0)) % 4096) + 4096) % 4096');
    expect(() => h.ownerOfUnit(4096)).toThrow(expect.objectContaining({ code: 'SHARD_MAP_INVALID' }));

    const m = ShardMap.modulo(3).strategy;
    expect([m.name, m.unitCount, m.unitNoun, m.bucketed]).toEqual(['modulo', 3, 'residues', false]);
    expect(m.ownsSql('k', 'int', 2)).toBe('((((k)::int8 % 3) + 3) % 3) = 2');
    expect(ShardMap.modulo(3).shardOf(-7, 'int')).toBe(2);
    expect(() => m.ownerOfUnit(3)).toThrow(/residue 3/);
  });

  it('grow and shrink: hash moves only surplus buckets; modulo refuses counts that would move rows between old shards', () => {
    const grown = hash4.strategy.grow(6, 2);
    expect(grown.next.shardCount).toBe(6);
    expect(grown.next.toJSON().epoch).toBe(2);
    for (const move of grown.moves) {
      expect(move.to).toBeGreaterThanOrEqual(4);
      for (const b of move.units) expect(hash4.strategy.ownerOfUnit(b)).toBe(move.from);
    }
    expect(() => ShardMap.modulo(4).strategy.grow(6, 2)).toThrow(
      expect.objectContaining({ code: 'SHARD_MAP_RESIZE', message: expect.stringContaining('multiple') }),
    );
    const shrunk = ShardMap.modulo(4).strategy.shrink(2, 2);
    expect(shrunk.units.unitCount).toBe(4); // rows are named by residues of the old modulus
    expect(shrunk.moves).toEqual([
      { from: 2, to: 0, units: [2] },
      { from: 3, to: 1, units: [3] },
    ]);
  });

  it('an unknown strategy or a broken layout is SHARD_MAP_INVALID', () => {
    expect(() => ShardMap.fromJSON({ format: 1, strategy: 'range', epoch: 1 })).toThrow(
      /unknown strategy range/,
    );
    expect(() => ShardMap.fromJSON({ format: 1, strategy: 'toString', epoch: 1 })).toThrow(
      /unknown strategy/,
    );
    expect(() =>
      ShardMap.fromJSON({
        format: 1,
        strategy: 'pinned-hash',
        epoch: 1,
        buckets: 4,
        ranges: [],
        overrides: [],
      }),
    ).toThrow(expect.objectContaining({ code: 'SHARD_MAP_INVALID' }));
  });
});

describe('pinned-hash: tenants pinned on top of hash buckets', () => {
  const tenant = keyOn(0);
  const map = pinned([{ key: tenant, shard: 3 }]);
  const s = map.strategy;

  it('routes a pinned tenant to its shard and every other key by its bucket, in TypeScript and in SQL', () => {
    expect(map.shardOf(tenant, 'int')).toBe(3);
    expect(map.shardOf(String(tenant), 'int')).toBe(3); // any spelling of the key
    const neighbour = keyOn(0, tenant);
    expect(map.shardOf(neighbour, 'int')).toBe(0);
    expect(map.bucketOf(tenant, 'int')).toBe(hash4.bucketOf(tenant, 'int'));
    expect(map.shardOfBucket(map.bucketOf(tenant, 'int'))).toBe(0); // the bucket itself stays with shard 0
    expect(s.unitOf({ kind: 'int', value: BigInt(tenant) })).toBe(4096);
    expect(s.ownerOfUnit(4096)).toBe(3);
    expect(s.unitLabel(4096)).toBe(`pinned tenant ${tenant}`);
    expect(s.unitCount).toBe(4097);
    expect(s.unitsOwnedBy(3)).toBe(1025);
    expect(s.pinnedTo(3)).toEqual([{ key: tenant, shard: 3 }]);
    expect(s.unitSql('k', 'int')).toBe(
      `(case when (k)::int8 = ${tenant} then 4096 else (((hashint8extended((k)::int8, 0)) % 4096) + 4096) % 4096 end)`,
    );
    expect(s.ownsSql('k', 'int', 3)).toMatch(
      new RegExp(`^\\(case when \\(k\\)::int8 = ${tenant} then true else \\(`),
    );
    expect(s.ownsSql('k', 'int', 0)).toContain(`then false else`);
  });

  it('writes text and uuid keys as quoted literals of the column type', () => {
    const text = pinned([{ key: "o'brien", shard: 1 }]).strategy;
    expect(text.ownsSql('k', 'text', 1)).toContain(`when (k)::text = 'o''brien' then true`);
    text.checkKeys('text');
    const uuid = pinned([{ key: '{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}', shard: 2 }]);
    expect(uuid.strategy.unitSql('k', 'uuid')).toContain(
      "when (k)::uuid = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid then 4096",
    );
    expect(uuid.shardOf('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'uuid')).toBe(2);
  });

  it('a bad override is CONFIG_INVALID with details: unknown shard, non-key value, duplicate tenant', () => {
    const bad = (overrides: unknown, code = 'CONFIG_INVALID') =>
      expect(() => pinned(overrides as TenantOverride[])).toThrow(expect.objectContaining({ code }));
    bad([{ key: 1, shard: 4 }]);
    bad([{ key: 1, shard: -1 }]);
    // A shard written as a string is named as one, not as the shard it looks like.
    expect(() => pinned([{ key: 1, shard: '3' } as unknown as TenantOverride])).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining('shard "3" is not'),
      }),
    );
    bad([null]);
    bad({ 0: { key: 1, shard: 0 } });
    bad([{ key: { id: 1 }, shard: 0 }]);
    bad([{ key: 1.5, shard: 0 }]);
    bad([
      { key: 7, shard: 0 },
      { key: 7, shard: 1 },
    ]);
    try {
      pinned([{ key: 1, shard: 9 }]);
    } catch (error) {
      expect(error).toMatchObject({
        code: 'CONFIG_INVALID',
        details: { override: 0, value: { key: 1, shard: 9 }, reason: expect.stringContaining('0..3') },
      });
    }
    // Overrides on a map that does not read them would be ignored: tenants silently on their bucket's shard.
    const hashJson = hash4.toJSON();
    expect(() => ShardMap.fromJSON({ ...hashJson, overrides: [{ key: 1, shard: 3 }] })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining("'pinned-hash'") }),
    );
    expect(() =>
      ShardMap.fromJSON({ ...ShardMap.modulo(4).toJSON(), overrides: [{ key: 1, shard: 3 }] }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    // Against a key type: 'acme' is no integer key; 7 and ' 7' are the same integer tenant.
    expect(() => pinned([{ key: 'acme', shard: 0 }]).strategy.checkKeys('int')).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining('not a shard key value for int keys'),
      }),
    );
    expect(() =>
      pinned([
        { key: 7, shard: 0 },
        { key: ' 7', shard: 1 },
      ]).strategy.checkKeys('int'),
    ).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('same tenant') }),
    );
    expect(() => pinned([{ key: 'x', shard: 0 }]).strategy.checkKeys('uuid')).toThrow(/CONFIG|uuid/);
  });

  it('grows around the pinned tenant: buckets move to the new shards, the tenant stays where its override says', () => {
    const grown = s.grow(6, 2);
    expect(grown.next.name).toBe('pinned-hash');
    expect(ShardMap.of(grown.next).shardOf(tenant, 'int')).toBe(3);
    expect(grown.moves.flatMap((m) => m.units).every((u) => u < 4096)).toBe(true);
    expect(grown.moves).toEqual(hash4.strategy.grow(6, 2).moves);
  });

  it('refuses to shrink away a shard a tenant is pinned to, and shrinks around it otherwise', () => {
    expect(() => s.shrink(3, 2)).toThrow(
      expect.objectContaining({
        code: 'SHARD_MAP_RESIZE',
        message: expect.stringContaining('pinned to shard 3'),
      }),
    );
    const low = pinned([{ key: tenant, shard: 1 }]).strategy.shrink(2, 2);
    expect(ShardMap.of(low.next).shardOf(tenant, 'int')).toBe(1);
    expect(low.moves.every((m) => m.from >= 2)).toBe(true);
  });

  it('repins: only tenants whose shard changes move, a first pin leaves its bucket owner, an unpin is refused', () => {
    const other = keyOn(1);
    const next = (s as PinnedHashStrategy).repin(
      [
        { key: tenant, shard: 2 },
        { key: other, shard: 1 },
        { key: keyOn(2), shard: 0 },
      ],
      2,
      'int',
    );
    expect(next.moves).toEqual([
      { from: 3, to: 2, units: [4096] },
      { from: 2, to: 0, units: [4098] },
    ]);
    expect(ShardMap.of(next.next).shardOf(tenant, 'int')).toBe(2);
    expect(() => (s as PinnedHashStrategy).repin([], 2, 'int')).toThrow(
      expect.objectContaining({ code: 'SHARD_MAP_RESIZE' }),
    );
  });

  it("repins keep each tenant's unit, whatever order the pins are written in (shard-aware ids carry the unit)", () => {
    const [a, b, c] = [keyOn(0), keyOn(1), keyOn(2)];
    const before = pinned([
      { key: a, shard: 3 },
      { key: b, shard: 3 },
    ]);
    const idUnitOfB = before.strategy.unitOf({ kind: 'int', value: BigInt(b) });
    const next = (before.strategy as PinnedHashStrategy).repin(
      [
        { key: String(b), shard: 3 },
        { key: c, shard: 0 },
        { key: ` ${a}`, shard: 2 },
      ],
      2,
      'int',
    ).next;
    // An id minted for b before the repin still finds b's shard (3), not a's new one (2).
    expect(next.ownerOfUnit(idUnitOfB)).toBe(3);
    expect(next.unitOf({ kind: 'int', value: BigInt(b) })).toBe(idUnitOfB);
    expect(next.toJSON()).toMatchObject({
      overrides: [
        { key: a, shard: 2 },
        { key: b, shard: 3 },
        { key: c, shard: 0 },
      ],
    });
  });
});
