import { checkBucketLayout, HashStrategy } from './hash-strategy.ts';
import { mapError } from './map-errors.ts';
import { ModuloStrategy } from './modulo-strategy.ts';
import { PinnedHashStrategy } from './pinned-hash-strategy.ts';
import type { ShardMapJson, ShardStrategy } from './strategy.ts';

/** Reads each strategy's stored JSON. A new strategy is one file and one line here. */
const readers: {
  [K in ShardMapJson['strategy']]: (json: Extract<ShardMapJson, { strategy: K }>) => ShardStrategy;
} = {
  hash: (json) => {
    checkBucketLayout(json);
    return new HashStrategy(json);
  },
  modulo: (json) => new ModuloStrategy(json.shards, json.epoch),
  'pinned-hash': (json) => {
    checkBucketLayout(json);
    return new PinnedHashStrategy(json, json.overrides);
  },
};

/** The strategy a stored map describes; `SHARD_MAP_INVALID` when it does not parse. */
export function strategyFromJSON(input: unknown): ShardStrategy {
  const json = input as ShardMapJson;
  if (typeof json !== 'object' || json === null || json.format !== 1) {
    throw mapError('expected an object with format: 1');
  }
  const read = Object.hasOwn(readers, json.strategy) ? readers[json.strategy] : undefined;
  if (!read) throw mapError(`unknown strategy ${String((json as { strategy?: unknown }).strategy)}`);
  return (read as (json: ShardMapJson) => ShardStrategy)(json);
}
