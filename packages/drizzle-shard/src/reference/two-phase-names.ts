/** Prefix of every global transaction id drizzle-shard prepares; recovery only touches these. */
export const GID_PREFIX = 'drizzle_shard_';
/** On shard 0: one row per committed two-phase write (the coordinator's decision log). */
export const DECISION_TABLE = 'drizzle_shard_2pc_decisions';
/**
 * Session setting each shard's part of a reference-table write carries: the epoch of the shard
 * map the writer routes with. A reshard's cutover fences old owners against writes from an app
 * still on the old map (it would write the rows to the old shards only) by refusing this epoch.
 */
export const MAP_EPOCH_SETTING = 'drizzle_shard.map_epoch';
