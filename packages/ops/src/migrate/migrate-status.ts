import { redactUrl } from 'drizzle-shard';
import postgres from 'postgres';
import type { ShardTarget } from '../shard-target.ts';
import { appliedMigrations, folderMigrations, schemaFingerprint } from './migration-state.ts';

export interface ShardStatus {
  readonly shard: number;
  readonly url: string;
  readonly applied: number;
  /** Migrations in the folder not applied here. */
  readonly behind: number;
  /** Applied here but not in the folder (or out of order): a shard migrated from another folder. */
  readonly unknown: number;
  readonly schemaHash: string;
  /** The schema differs from the one most shards have (e.g. altered by hand). */
  readonly drift: boolean;
  /** Lines of this shard's schema that the majority does not have, and the reverse. */
  readonly extra: readonly string[];
  readonly missing: readonly string[];
}

export interface MigrateStatus {
  readonly total: number;
  readonly ok: boolean;
  readonly shards: readonly ShardStatus[];
}

/** Per shard: migrations behind the folder, and schema drift against the majority of shards. */
export async function migrateStatus(folder: string, shards: readonly ShardTarget[]): Promise<MigrateStatus> {
  const migrations = folderMigrations(folder).map((m) => m.hash);
  const raw = await Promise.all(
    shards.map(async ({ shard, url }) => {
      const client = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const applied = await appliedMigrations(client);
        return { shard, url: redactUrl(url), applied, ...(await schemaFingerprint(client)) };
      } finally {
        await client.end({ timeout: 5 });
      }
    }),
  );
  const votes = new Map<string, number>();
  for (const r of raw) votes.set(r.hash, (votes.get(r.hash) ?? 0) + 1);
  const majority = [...votes].sort((a, b) => b[1] - a[1])[0]![0];
  const reference = new Set(raw.find((r) => r.hash === majority)!.lines);
  const statuses = raw.map((r) => {
    const own = new Set(r.lines);
    return {
      shard: r.shard,
      url: r.url,
      applied: r.applied.length,
      behind: migrations.filter((h) => !r.applied.includes(h)).length,
      unknown: r.applied.filter((h) => !migrations.includes(h)).length,
      schemaHash: r.hash,
      drift: r.hash !== majority,
      extra: r.lines.filter((l) => !reference.has(l)),
      missing: [...reference].filter((l) => !own.has(l)),
    };
  });
  return {
    total: migrations.length,
    ok: statuses.every((s) => s.behind === 0 && s.unknown === 0 && !s.drift),
    shards: statuses,
  };
}
