import type { Cluster } from '@drizzle-shard/testing';
import postgres from 'postgres';
import type { StageResult } from '../report.ts';
import type { DemoScale } from '../scale.ts';

/** `clients` API instances at once, each with its own connection, each running one short query. */
async function burst(url: string, clients: number, pgbouncer: boolean) {
  let errors = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const sql = postgres(url, {
        max: 1,
        connect_timeout: 10,
        onnotice: () => {},
        ...(pgbouncer ? { prepare: false } : {}),
      });
      try {
        await sql`select pg_sleep(1)`;
        done++;
      } catch {
        errors++;
      } finally {
        await sql.end({ timeout: 1 }).catch(() => {});
      }
    }),
  );
  return { errors, done };
}

/** Stage 1: connection exhaustion on a small `max_connections`, then the same burst through PgBouncer. */
export async function connectionStage(cluster: Cluster, scale: DemoScale): Promise<StageResult> {
  const primary = cluster.shards[0]!.primary;
  const direct = await burst(primary.url, scale.connectionClients, false);
  const pooled = await burst(primary.pgbouncerUrl!, scale.connectionClients, true);
  return {
    stage: '1. PgBouncer',
    rows: [
      ['clients at once', String(scale.connectionClients), String(scale.connectionClients)],
      ['failed (too many clients)', String(direct.errors), String(pooled.errors)],
      ['served', String(direct.done), String(pooled.done)],
    ],
    summary: { metric: 'connection errors', before: String(direct.errors), after: String(pooled.errors) },
  };
}
