import { shardErrorRule } from './shard-error-rule.ts';

/** The plugin's rules, by name. */
export const rules = {
  'require-shard-key': shardErrorRule(
    'require-shard-key',
    'A query on a sharded table through the top-level db must constrain the shard key (eq/inArray, directly or in and()), or go through db.allShards(), db.shard(key) or a generated helper.',
  ),
  'no-unkeyed-insert': shardErrorRule(
    'no-unkeyed-insert',
    'An insert into a sharded table through the top-level db must set the shard key in every row.',
  ),
  'no-cross-shard-transaction': shardErrorRule(
    'no-cross-shard-transaction',
    'A transaction runs on one shard: db.transaction() on the top-level db, with statements whose keys cannot be proven equal, throws.',
  ),
};
