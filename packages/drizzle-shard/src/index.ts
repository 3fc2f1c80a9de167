export type { ConsistencyOptions, TokenOptions } from './consistency/options.ts';
export { ConsistencySession, currentSession, type SessionOptions } from './consistency/session.ts';
export { parseToken, type TokenKey, type TokenRejection, type WriteMark } from './consistency/token.ts';
export type {
  FanoutOptions,
  NodeConfig,
  ShardConfig,
  ShardErrorPolicy,
  ShardedDrizzleConfig,
} from './driver/config.ts';
export type { ReplicaEventMap, ReplicaEvents } from './driver/events.ts';
export { type ReplicatedDrizzleConfig, replicatedDrizzle } from './driver/replicated-drizzle.ts';
export { type ShardAccess, type ShardedDatabase, shardedDrizzle } from './driver/sharded-drizzle.ts';
export {
  type KeysetOrder,
  type KeysetPage,
  type KeysetPageOptions,
  keysetPage,
} from './drizzle/keyset-page.ts';
export {
  CrossShardTransactionError,
  DrizzleShardError,
  type DrizzleShardErrorCode,
  isDrizzleShardError,
  MissingShardKeyError,
} from './errors.ts';
export { type FanoutInfo, fanoutInfo } from './fanout/fanout-info.ts';
export { shardOfId } from './ids/id-routing.ts';
export {
  composeShardId,
  decodeShardId,
  SHARD_ID_DDL,
  SHARD_ID_EPOCH_MS,
  type ShardIdParts,
} from './ids/shard-id.ts';
export { mapWithConcurrency } from './map-with-concurrency.ts';
export { redactText, redactUrl } from './redact.ts';
export type { RecoveryReport } from './reference/recover.ts';
export { MAP_EPOCH_SETTING } from './reference/two-phase-names.ts';
export { formatLsn, parseLsn } from './replicas/lsn.ts';
export type { ReplicaOptions } from './replicas/options.ts';
export type { ReplicaStatus, ShardReplicaStatus } from './replicas/replica-node.ts';
export { bucketSql, DEFAULT_BUCKET_COUNT, hashSqlFor } from './routing/buckets.ts';
export { hashInt8Extended, hashTextExtended, uuidHashExtended } from './routing/pg-hash.ts';
export { PinnedHashStrategy } from './routing/pinned-hash-strategy.ts';
export {
  type BucketRange,
  ShardMap,
  type ShardMapJson,
  type TenantOverride,
} from './routing/shard-map.ts';
export type { ShardStrategy, StrategyResize, UnitMove } from './routing/strategy.ts';
export {
  type ReferenceTable,
  reference,
  type ShardedTable,
  type ShardKeyKind,
  type ShardKeyOf,
  type ShardKeyOfTable,
  type ShardKeyType,
  sharded,
  shardingOf,
  type TableShardingMeta,
} from './schema/annotations.ts';
export { assertSchemaRules, findSchemaViolations, type SchemaViolation } from './schema/rules.ts';
