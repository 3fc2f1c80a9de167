/** Prefix of every global transaction id drizzle-shard prepares; recovery only touches these. */
export const GID_PREFIX = 'drizzle_shard_';
/** On shard 0: one row per committed two-phase write (the coordinator's decision log). */
export const DECISION_TABLE = 'drizzle_shard_2pc_decisions';
