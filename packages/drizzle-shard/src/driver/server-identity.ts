import type { Sql } from 'postgres';
import { withDeadline } from '../deadline.ts';
import { DrizzleShardError } from '../errors.ts';

/** How often shards that have not answered are asked again, in the background. */
const RETRY_EVERY_MS = 1000;

const DONE = Promise.resolve();

/** See {@link serverIdentityCheck}. */
export interface ServerIdentityCheck {
  /**
   * Per statement: rejects with `CONFIG_INVALID` once two shards are known to be one server.
   * Only the first call waits (for every shard's answer, or its deadline); later calls never
   * wait: shards that have not answered are asked again in the background, at most once per
   * retry interval, and a duplicate found then fails the statements after it.
   */
  verified(): Promise<void>;
  /** Asks the shards that have not answered now and waits for them (`db.ready()`). */
  settled(): Promise<void>;
}

/**
 * Refuses two shards that are one server and database under different names (`localhost` and
 * `127.0.0.1`, a DNS alias): every fan-out would count its rows twice. Each primary is asked its
 * `system_identifier` and database once; shards that do not answer (down) are asked again later,
 * so a fleet starting while a shard is down is not blocked, and statements do not wait on it.
 *
 * @example
 * const identity = serverIdentityCheck(primaries, 5000);
 * await identity.verified(); // before a routed statement
 */
export function serverIdentityCheck(
  primaries: readonly Sql[],
  timeoutMs: number,
  retryEveryMs = RETRY_EVERY_MS,
): ServerIdentityCheck {
  const identities: Array<string | undefined> = primaries.map(() => undefined);
  let allKnown = false;
  let duplicate: DrizzleShardError | undefined;
  let pass: Promise<void> | undefined;
  let first: Promise<void> | undefined;
  let askedAt = Number.NEGATIVE_INFINITY;
  const ask = async (shard: number) => {
    const [row] = await withDeadline(
      primaries[shard]!.unsafe(
        'select system_identifier::text as id, current_database() as db from pg_control_system()',
      ),
      timeoutMs,
      `identity of shard ${shard}`,
    );
    identities[shard] = `${row?.id}/${row?.db}`;
  };
  const compare = () => {
    const seen = new Map<string, number>();
    for (const [shard, id] of identities.entries()) {
      if (!id) continue;
      const earlier = seen.get(id);
      if (earlier !== undefined) {
        duplicate = new DrizzleShardError(
          'CONFIG_INVALID',
          `shardedDrizzle: \`shards[${shard}].primary\` is the same server and database as \`shards[${earlier}].primary\` (system identifier and database match); each shard needs its own.`,
          { field: `shards[${shard}].primary`, sameAs: `shards[${earlier}].primary` },
        );
        return;
      }
      seen.set(id, shard);
    }
    allKnown = identities.every((id) => id !== undefined);
  };
  /** One pass over the shards that have not answered; passes never overlap. */
  const run = (): Promise<void> => {
    askedAt = Date.now();
    pass ??= Promise.all(identities.map((id, shard) => (id ? undefined : ask(shard).catch(() => {}))))
      .then(compare)
      .finally(() => {
        pass = undefined;
      });
    return pass;
  };
  const rejectDuplicate = () => {
    if (duplicate) throw duplicate;
  };
  return {
    verified() {
      if (duplicate) return Promise.reject(duplicate);
      if (allKnown) return DONE;
      if (first && Date.now() - askedAt >= retryEveryMs) void run();
      first ??= run();
      return first.then(rejectDuplicate);
    },
    async settled() {
      if (!allKnown && !duplicate) await run();
      rejectDuplicate();
    },
  };
}
