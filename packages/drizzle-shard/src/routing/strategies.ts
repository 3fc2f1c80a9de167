import { DrizzleShardError } from '../errors.ts';
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
    noOverrides(json);
    checkBucketLayout(json);
    return new HashStrategy(json);
  },
  modulo: (json) => {
    noOverrides(json);
    return new ModuloStrategy(json.shards, json.epoch);
  },
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

/** Tenant overrides on a map that does not read them would be dropped without a word. */
function noOverrides(json: ShardMapJson): void {
  if (!Object.hasOwn(json, 'overrides')) return;
  const fix =
    json.strategy === 'hash'
      ? "write strategy: 'pinned-hash' to pin tenants on top of its buckets"
      : 'tenants pin on top of hash buckets; reshard to a hash map first';
  throw new DrizzleShardError(
    'CONFIG_INVALID',
    `Invalid shard map: a ${json.strategy} map has no tenant overrides (this one lists some); ${fix}.`,
    { strategy: json.strategy, reason: 'overrides on a map that does not read them' },
  );
}
