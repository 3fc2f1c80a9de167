import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeShardId, decodeShardId, SHARD_ID_EPOCH_MS, ShardMap, shardOfId } from '../../src/index.ts';

describe('shard-aware ids', () => {
  it('decode(compose(parts)) gives the parts back, and ids sort by time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: SHARD_ID_EPOCH_MS, max: SHARD_ID_EPOCH_MS + 2 ** 41 - 2 }),
        fc.integer({ min: 0, max: 4095 }),
        fc.integer({ min: 0, max: 1023 }),
        (ms, bucket, sequence) => {
          const id = composeShardId({ time: ms, bucket, sequence });
          expect(id >= 0n && id < 2n ** 63n).toBe(true);
          expect(decodeShardId(id)).toEqual({ time: new Date(ms), bucket, sequence });
          expect(decodeShardId(id.toString()).bucket).toBe(bucket);
          expect(composeShardId({ time: ms + 1, bucket: 0, sequence: 0 }) > id).toBe(true);
        },
      ),
    );
  });

  it('refuses values that are not ids, and parts out of range', () => {
    for (const bad of [-1n, 2n ** 63n, '12a', '-5', 1.5]) {
      expect(() => decodeShardId(bad as bigint)).toThrow(
        expect.objectContaining({ code: 'SHARD_KEY_INVALID' }),
      );
    }
    expect(() => composeShardId({ time: SHARD_ID_EPOCH_MS - 1, bucket: 0, sequence: 0 })).toThrow(RangeError);
    expect(() => composeShardId({ time: SHARD_ID_EPOCH_MS, bucket: 4096, sequence: 0 })).toThrow(RangeError);
    expect(() => composeShardId({ time: SHARD_ID_EPOCH_MS, bucket: 0, sequence: 1024 })).toThrow(RangeError);
  });

  it('routes by the bucket through the current map, and needs a hash map that fits', () => {
    const map = ShardMap.hash({ shards: 4 });
    const id = composeShardId({ time: Date.now(), bucket: map.bucketOf(7, 'int'), sequence: 3 });
    expect(shardOfId(map, id)).toBe(map.shardOf(7, 'int'));
    const moved = ShardMap.fromJSON({
      format: 1,
      strategy: 'hash',
      epoch: 2,
      buckets: 4096,
      ranges: [
        { from: 0, to: 4094, shard: 0 },
        { from: 4095, to: 4095, shard: 1 },
      ],
    });
    expect(shardOfId(moved, composeShardId({ time: Date.now(), bucket: 4095, sequence: 0 }))).toBe(1);
    expect(() => shardOfId(ShardMap.modulo(4), id)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => shardOfId(ShardMap.hash({ shards: 2, buckets: 8192 }), id)).toThrow(/at most 4096 buckets/);
  });

  it('refuses an id whose bucket holds a tenant pinned elsewhere: ids made before the pin carry the bucket, the rows left', () => {
    const hash = ShardMap.hash({ shards: 4, buckets: 2048 });
    const tenant = 42;
    const bucket = hash.bucketOf(tenant, 'int');
    const owner = hash.shardOfBucket(bucket);
    const away = (owner + 1) % 4;
    const oldId = composeShardId({ time: SHARD_ID_EPOCH_MS + 5, bucket, sequence: 1 });
    expect(shardOfId(hash, oldId)).toBe(owner);

    const pinned = hash.withOverrides([{ key: tenant, shard: away }]);
    expect(() => shardOfId(pinned, oldId)).toThrow(
      expect.objectContaining({ code: 'SHARD_ID_AMBIGUOUS', details: { bucket, shards: [owner, away] } }),
    );
    // The tenant's new ids carry its own unit; other buckets, and a pin on the bucket's owner, stay routable.
    const newId = composeShardId({ time: SHARD_ID_EPOCH_MS + 6, bucket: 2048, sequence: 1 });
    expect(shardOfId(pinned, newId)).toBe(away);
    const other = composeShardId({ time: SHARD_ID_EPOCH_MS + 6, bucket: (bucket + 1) % 2048, sequence: 1 });
    expect(shardOfId(pinned, other)).toBe(hash.shardOfBucket((bucket + 1) % 2048));
    expect(shardOfId(hash.withOverrides([{ key: tenant, shard: owner }]), oldId)).toBe(owner);
  });
});
