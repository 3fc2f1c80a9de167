import { entityKind } from 'drizzle-orm';
import { Cache, type MutationOption } from 'drizzle-orm/cache/core';
import type { CacheConfig } from 'drizzle-orm/cache/core/types';

/**
 * drizzle keys cached results by a hash of the SQL text and parameters, which is the same on
 * every shard; one user cache shared by all shards would answer shard 1 with shard 0's rows.
 * This view of the user's cache prefixes those keys with the shard. Tags are the app's own names
 * and stay global (put the shard key in a tag when the result depends on it); invalidation by
 * table or tag goes to the user's cache unchanged, so it clears every shard's entries.
 */
export class ShardScopedCache extends Cache {
  static override readonly [entityKind]: string = 'DrizzleShardScopedCache';

  constructor(
    private readonly inner: Cache,
    private readonly shard: number,
  ) {
    super();
  }

  private scoped(key: string, isTag: boolean): string {
    return isTag ? key : `s${this.shard}:${key}`;
  }

  override strategy(): 'explicit' | 'all' {
    return this.inner.strategy();
  }

  override get(key: string, tables: string[], isTag: boolean, isAutoInvalidate?: boolean) {
    return this.inner.get(this.scoped(key, isTag), tables, isTag, isAutoInvalidate);
  }

  override put(key: string, response: unknown, tables: string[], isTag: boolean, config?: CacheConfig) {
    return this.inner.put(this.scoped(key, isTag), response, tables, isTag, config);
  }

  override onMutate(params: MutationOption): Promise<void> {
    return this.inner.onMutate(params);
  }
}
