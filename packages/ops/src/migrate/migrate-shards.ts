import { existsSync } from 'node:fs';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { redactText, redactUrl } from 'drizzle-shard';
import postgres from 'postgres';
import type { ShardTarget } from '../shard-target.ts';
import { appliedMigrations, folderMigrations } from './migration-state.ts';

export interface ShardMigrationResult {
  readonly shard: number;
  readonly url: string;
  readonly state: 'migrated' | 'up-to-date' | 'failed' | 'skipped';
  /** Migrations this run applied on the shard. */
  readonly applied: number;
  readonly error?: string;
}

export interface MigrateReport {
  readonly ok: boolean;
  readonly total: number;
  readonly shards: readonly ShardMigrationResult[];
}

export class MigrateError extends Error {
  override name = 'MigrateError';
  constructor(
    readonly code: 'MIGRATE_FOLDER_INVALID',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Applies a drizzle-kit migrations folder to every shard primary, shard by shard, with drizzle's
 * own migrator (state in `drizzle.__drizzle_migrations` on each shard; all pending migrations of
 * a shard in one transaction, so a shard is never half-migrated). Replicas follow their primary.
 * Stops at the first shard that fails; the ones after it are `skipped`. Safe to re-run.
 */
export async function migrateShards(
  folder: string,
  shards: readonly ShardTarget[],
  onProgress?: (result: ShardMigrationResult) => void,
): Promise<MigrateReport> {
  if (!existsSync(path.join(folder, 'meta', '_journal.json'))) {
    throw new MigrateError(
      'MIGRATE_FOLDER_INVALID',
      `${folder} has no meta/_journal.json: point --migrations at drizzle-kit's out folder.`,
    );
  }
  const migrations = folderMigrations(folder);
  const results: ShardMigrationResult[] = [];
  let failed = false;
  for (const { shard, url } of shards) {
    const shown = redactUrl(url);
    if (failed) {
      results.push({ shard, url: shown, state: 'skipped', applied: 0 });
      onProgress?.(results.at(-1)!);
      continue;
    }
    const client = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const before = (await appliedMigrations(client)).length;
      await migrate(drizzle(client), { migrationsFolder: folder });
      const after = (await appliedMigrations(client)).length;
      results.push({
        shard,
        url: shown,
        state: after > before ? 'migrated' : 'up-to-date',
        applied: after - before,
      });
    } catch (error) {
      failed = true;
      const cause = (error as { cause?: Error }).cause ?? error;
      results.push({
        shard,
        url: shown,
        state: 'failed',
        applied: 0,
        error: redactText((cause as Error)?.message ?? String(cause)),
      });
    } finally {
      await client.end({ timeout: 5 });
    }
    onProgress?.(results.at(-1)!);
  }
  return { ok: !failed, total: migrations.length, shards: results };
}
