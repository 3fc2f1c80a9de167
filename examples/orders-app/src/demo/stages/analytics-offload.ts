import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { archiveTable, DuckDbArchive } from '@drizzle-shard/ops';
import { type Cluster, runSql } from '@drizzle-shard/testing';
import { shardedDrizzle } from 'drizzle-shard';
import { eventsByKind } from '../../queries.ts';
import { schema } from '../../schema.ts';
import { middle, ms, type StageResult } from '../report.ts';
import type { DemoScale } from '../scale.ts';

const KINDS = ['page_view', 'search', 'order_placed', 'password_changed'];
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

/** Per shard: analytics events of that shard's own users, one a day going back 180 days. */
async function loadEvents(cluster: Cluster, total: number) {
  const perShard = Math.ceil(total / cluster.shards.length);
  for (const shard of cluster.shards) {
    await runSql(
      shard.primary.url,
      `insert into events (user_id, kind, payload, created_at)
       select u.id, (array[${KINDS.map((k) => `'${k}'`).join(', ')}])[1 + g % ${KINDS.length}],
         jsonb_build_object('n', g, 'path', '/p/' || (g % 50)),
         now() - (g % 180) * interval '1 day' - (g % 3600) * interval '1 second'
       from (select id, row_number() over (order by id) - 1 as r from users) u
       join generate_series(0, ${perShard - 1}) g on g % (select count(*) from users) = u.r;
       analyze events`,
    );
  }
}

async function onShards(cluster: Cluster) {
  let rows = 0;
  let bytes = 0;
  for (const shard of cluster.shards) {
    const [r] = await runSql<{ n: number; bytes: number }[]>(
      shard.primary.url,
      "select count(*)::int as n, pg_total_relation_size('events')::float8 as bytes from events",
    );
    rows += r!.n;
    bytes += r!.bytes;
  }
  return { rows, bytes };
}

/** Waits (at most 10 s) until every replica's reported xmin has passed the primary's current xid. */
async function waitForReplicaFeedback(url: string) {
  const [now] = await runSql<{ xid: string }[]>(url, 'select pg_current_xact_id()::text as xid');
  for (const started = Date.now(); Date.now() - started < 10_000; ) {
    const [r] = await runSql<{ behind: number }[]>(
      url,
      `select count(*)::int as behind from pg_stat_replication
       where backend_xmin is not null and age(backend_xmin) > age('${now!.xid}'::xid)`,
    );
    if (r!.behind === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    result = await run();
    times.push(performance.now() - started);
  }
  return { ms: middle(times), result };
}

/**
 * The seed's step 9: events are analytics data, queried by reports but not needed on the
 * primaries. `drizzle-shard archive` moves the ones older than 90 days into a DuckDB file in
 * verified batches and deletes them from the shards; the report then runs on the archive.
 */
export async function analyticsOffloadStage(
  cluster: Cluster,
  scale: DemoScale,
  log: (line: string) => void,
): Promise<StageResult> {
  await loadEvents(cluster, scale.events);
  const before = await onShards(cluster);
  const db = shardedDrizzle({ schema, shards: cluster.shards.map((s) => ({ primary: s.primary.url })) });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drizzle-shard-demo-archive-'));
  try {
    const [cut] = await runSql<{ at: string }[]>(
      cluster.shards[0]!.primary.url,
      "select (now() - interval '90 days')::text as at",
    );
    const onPostgres = await timed(() => eventsByKind(db, cut!.at));
    let last = 0;
    const report = await archiveTable({
      shards: cluster.shards.map((s) => s.primary.url),
      table: 'events',
      before: cut!.at,
      to: path.join(dir, 'warehouse.duckdb'),
      batchSize: 5_000,
      onProgress: (p) => {
        if (p.archived === p.total || Date.now() - last > 1000) {
          last = Date.now();
          log(`  archiving shard ${p.shard}: ${p.archived}/${p.total} rows`);
        }
      },
    });
    // Deleted rows leave dead space until vacuumed; VACUUM FULL gives the space back to the OS
    // once no snapshot can see them (replicas report theirs via hot_standby_feedback, each second).
    for (const shard of cluster.shards) {
      await waitForReplicaFeedback(shard.primary.url);
      await runSql(shard.primary.url, 'vacuum full events');
    }
    const after = await onShards(cluster);
    const store = await DuckDbArchive.open(path.join(dir, 'warehouse.duckdb'), { create: false });
    let onArchive: { ms: number; result: Record<string, unknown>[] };
    try {
      onArchive = await timed(() =>
        store.query('select kind, count(*) as events from events group by kind order by kind'),
      );
    } finally {
      store.close();
    }
    const same =
      JSON.stringify(onPostgres.result.map((r) => [r.kind, Number(r.events)])) ===
      JSON.stringify(onArchive.result.map((r) => [r.kind, Number(r.events)]));
    return {
      stage: '5. Analytics offload',
      rows: [
        ['events rows on the shards', String(before.rows), String(after.rows)],
        ['events table size on the shards', mib(before.bytes), `${mib(after.bytes)} (after VACUUM FULL)`],
        [
          'report: events per kind older than 90 days',
          `${ms(onPostgres.ms)} (PostgreSQL, all shards)`,
          `${ms(onArchive.ms)} (DuckDB archive)`,
        ],
        [
          'archived rows, verified per batch (count + checksum)',
          '',
          `${report.rows} in ${report.shards.reduce((n, s) => n + s.batches, 0)} batches`,
        ],
        ['report equal on both', '', same ? 'yes' : 'NO'],
      ],
      summary: { metric: 'events table on the shards', before: mib(before.bytes), after: mib(after.bytes) },
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
