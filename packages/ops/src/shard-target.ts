/** One shard's primary, as the fleet operations (migrate, indexes apply) take it. */
export interface ShardTarget {
  /** The shard's index in the fleet (0 …). */
  readonly shard: number;
  /** The primary's connection string. */
  readonly url: string;
}
