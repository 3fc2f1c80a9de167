import type { Sql } from 'postgres';
import { withDeadline } from '../deadline.ts';
import { DrizzleShardError } from '../errors.ts';

/**
 * Refuses two shards that are one server and database under different names (`localhost` and
 * `127.0.0.1`, a DNS alias): every fan-out would count its rows twice. Each primary is asked its
 * `system_identifier` and database once; shards that do not answer (down) are asked again on a
 * later call, so a fleet starting while a shard is down is not blocked. Once a duplicate is found,
 * every call rejects with `CONFIG_INVALID` naming both shards.
 *
 * @returns `verify()`: resolves when no two answering shards are the same server.
 */
export function serverIdentityCheck(primaries: readonly Sql[], timeoutMs: number): () => Promise<void> {
  const identities: Array<string | undefined> = primaries.map(() => undefined);
  let duplicate: DrizzleShardError | undefined;
  let pass: Promise<void> | undefined;
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
  const run = async () => {
    await Promise.all(identities.map((id, shard) => (id ? undefined : ask(shard).catch(() => {}))));
    const seen = new Map<string, number>();
    for (const [shard, id] of identities.entries()) {
      if (!id) continue;
      const first = seen.get(id);
      if (first !== undefined) {
        duplicate = new DrizzleShardError(
          'CONFIG_INVALID',
          `shardedDrizzle: \`shards[${shard}].primary\` is the same server and database as \`shards[${first}].primary\` (system identifier and database match); each shard needs its own.`,
          { field: `shards[${shard}].primary`, sameAs: `shards[${first}].primary` },
        );
        return;
      }
      seen.set(id, shard);
    }
  };
  return async () => {
    if (duplicate) throw duplicate;
    if (identities.every((id) => id !== undefined)) return;
    pass ??= run().finally(() => {
      pass = undefined;
    });
    await pass;
    if (duplicate) throw duplicate;
  };
}
