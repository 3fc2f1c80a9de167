import type { IndexRecommendation } from '@drizzle-shard/codegen';
import { redactText, type ShardMap } from 'drizzle-shard';
import postgres, { type Sql } from 'postgres';
import { type DoctorReport, type Finding, type NodeReport, STAGES } from './findings.ts';
import { sampleWriteRates, skewFindings } from './fleet-balance.ts';
import { findMissingIndexes } from './missing-indexes.ts';
import { checkPgBouncer } from './pgbouncer-pools.ts';
import { DEFAULT_THRESHOLDS, type DoctorThresholds } from './thresholds.ts';

export interface DoctorShard {
  readonly primary: string;
  readonly replicas?: readonly string[];
  /** The PgBouncer in front of the primary: its pools are read through the admin console. */
  readonly pgbouncer?: string;
}

export interface DoctorOptions {
  /** The codegen's recommended indexes (indexes.json's `indexes`): missing ones are named with their DDL. */
  readonly indexes?: readonly IndexRecommendation[];
  /** How long to watch each primary's WAL position to measure its write rate. Default 2,000 ms. */
  readonly sampleMs?: number;
  /** The fleet's shard map: a skewed shard holding pinned tenants is reported as such, not as a bucket rebalance to do. */
  readonly map?: ShardMap;
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

async function connect(url: string): Promise<Sql> {
  const sql = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {}, prepare: false });
  await sql`select 1`;
  return sql;
}

/** Checks one primary (and returns its numbers for fleet-wide checks). */
async function checkPrimary(
  sql: Sql,
  node: string,
  t: DoctorThresholds,
  findings: Finding[],
  indexes: readonly IndexRecommendation[],
) {
  const [c] =
    await sql`select count(*) filter (where backend_type = 'client backend')::int as used, current_setting('max_connections')::int as max from pg_stat_activity`;
  const used = c!.used as number;
  const max = c!.max as number;
  if (used / max >= t.connectionsShare) {
    findings.push({
      code: 'CONNECTIONS_HIGH',
      severity: 'warning',
      node,
      stage: 1,
      message: `${used} of ${max} connections in use (${Math.round((100 * used) / max)}%)`,
      fix: STAGES[1]!.next,
    });
  }
  for (const r of await sql`
    select application_name, client_addr::text as addr,
      coalesce(extract(epoch from replay_lag) * 1000, 0)::float8 as lag_ms,
      pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 as lag_bytes
    from pg_stat_replication`) {
    const lagMs = Number(r.lag_ms);
    const lagBytes = Number(r.lag_bytes ?? 0);
    // replay_lag is NULL on an idle primary (nothing to replay): counted as 0, not as lag.
    if (lagMs > t.lagMs || lagBytes > t.lagBytes) {
      findings.push({
        code: 'REPLICA_LAG',
        severity: 'warning',
        node,
        stage: 4,
        message: `a replica (${r.application_name || r.addr}) replays ${(lagMs / 1000).toFixed(1)} s / ${Math.round(lagBytes / 1024)} KiB behind`,
        fix: STAGES[4]!.next,
      });
    }
  }
  for (const r of await sql`
    select relname, n_live_tup::float8 as rows, seq_scan::float8 as seq, coalesce(idx_scan, 0)::float8 as idx
    from pg_stat_user_tables
    where n_live_tup >= ${t.seqScanRows} and seq_scan >= ${t.seqScans} and seq_scan > coalesce(idx_scan, 0)
    order by seq_tup_read desc limit 5`) {
    findings.push({
      code: 'SEQ_SCANS',
      severity: 'warning',
      node,
      stage: 7,
      message: `"${r.relname}" (${r.rows} rows) was read by ${r.seq} sequential scans and ${r.idx} index scans`,
      fix: STAGES[7]!.next,
    });
  }
  for (const m of await findMissingIndexes(sql, indexes)) {
    const from = m.recommendation.sources.map((s) => `${s.file}:${s.line}`).join(', ');
    findings.push({
      code: 'MISSING_INDEX',
      severity: 'warning',
      node,
      stage: 7,
      message: `the recommended index ${m.recommendation.name} on "${m.recommendation.table}" is missing (${m.seqScans} sequential scans of the table so far; wanted by ${from || 'the app'})`,
      fix: `${m.ddl}; or \`drizzle-shard indexes apply\` for all of them`,
    });
  }
  for (const r of await sql`
    select relname, pg_total_relation_size(relid)::float8 as bytes from pg_stat_user_tables
    where pg_total_relation_size(relid) >= ${t.tableBytes} order by 2 desc limit 5`) {
    findings.push({
      code: 'LARGE_TABLE',
      severity: 'warning',
      node,
      stage: 9,
      message: `"${r.relname}" takes ${gib(Number(r.bytes))}`,
      fix: STAGES[9]!.next,
    });
  }
  const [p] = await sql`select count(*)::int as n, min(prepared)::text as oldest,
    count(*) filter (where gid like 'drizzle\\_reshard\\_%')::int as reshard from pg_prepared_xacts`;
  if ((p!.n as number) > 0) {
    findings.push({
      code: 'PREPARED_XACTS',
      severity: 'warning',
      node,
      stage: 10,
      message: `${p!.n} prepared transaction(s) left behind (oldest ${p!.oldest}); they hold locks and block vacuum`,
      fix:
        (p!.reshard as number) > 0
          ? `${p!.reshard} of them are a crashed reshard cutover's ownership guards: run \`drizzle-shard reshard cutover\` (or \`rollback\`) again, which commits or rolls them back; ${STAGES[10]!.next}`
          : STAGES[10]!.next,
    });
  }
  for (const r of await sql`
    select c.relname from pg_index i join pg_class c on c.oid = i.indexrelid where not i.indisvalid`) {
    findings.push({
      code: 'INVALID_INDEX',
      severity: 'warning',
      node,
      stage: 10,
      message: `index "${r.relname}" is INVALID (a failed CREATE INDEX CONCURRENTLY)`,
      fix: 'drop it, or run `drizzle-shard indexes apply`, which rebuilds invalid indexes',
    });
  }
  for (const r of await sql<{ name: string; type: string; retained: number }[]>`
    select slot_name as name, slot_type as type,
      coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0)::float8 as retained
    from pg_replication_slots where not active`) {
    findings.push({
      code: 'IDLE_REPLICATION_SLOT',
      severity: 'warning',
      node,
      stage: 10,
      message: `replication slot "${r.name}" (${r.type}) has no consumer and holds back ${mib(Number(r.retained))} of WAL (it grows until the disk fills)`,
      fix: slotFix(r.name),
    });
  }
  const [d] = await sql`
    select pg_database_size(current_database())::float8 as size,
      (select xact_commit::float8 from pg_stat_database where datname = current_database()) as commits`;
  return { connections: { used, max }, sizeBytes: Number(d!.size), commits: Number(d!.commits) };
}

/** What to do about an idle slot: the tool's own are ended by finishing or rolling back their step. */
function slotFix(name: string): string {
  if (name.startsWith('drizzle_split_'))
    return 'a split left it: finish with `drizzle-shard split cutover`, or `split rollback` and drop the subscription on its target';
  if (name.startsWith('drizzle_reshard_'))
    return 'a reshard left it: finish with `drizzle-shard reshard cutover`, or `reshard rollback`';
  return `if its consumer is gone for good: select pg_drop_replication_slot('${name.replaceAll("'", "''")}')`;
}

/**
 * Measures the fleet as the seed did by hand: connections, replica lag, sequential scans,
 * table sizes, skew between shards, prepared transactions, invalid indexes; says which of the
 * seed's stages the system is at and the next fix. Never changes anything.
 */
export async function runDoctor(
  shards: readonly DoctorShard[],
  thresholds: Partial<DoctorThresholds> = {},
  options: DoctorOptions = {},
): Promise<DoctorReport> {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const findings: Finding[] = [];
  const nodes: NodeReport[] = [];
  const describe = (error: unknown) => redactText((error as Error)?.message ?? String(error));
  const primaries = await Promise.allSettled(shards.map((s) => connect(s.primary)));
  try {
    const reachable = primaries.map((p) => (p.status === 'fulfilled' ? p.value : undefined));
    const writeRates = await sampleWriteRates(reachable, options.sampleMs ?? 2000);
    const sizes: { shard: number; bytes: number }[] = [];
    const writes: { shard: number; rate: number }[] = [];
    for (const [index, shard] of shards.entries()) {
      const node = `shard${index}-primary`;
      const primary = primaries[index]!;
      if (primary.status === 'rejected') {
        nodes.push({ node, reachable: false, error: describe(primary.reason) });
      } else {
        try {
          const numbers = await checkPrimary(primary.value, node, t, findings, options.indexes ?? []);
          const writeBytesPerSec = writeRates[index]!;
          nodes.push({ node, reachable: true, ...numbers, writeBytesPerSec });
          sizes.push({ shard: index, bytes: numbers.sizeBytes });
          writes.push({ shard: index, rate: writeBytesPerSec });
        } catch (error) {
          nodes.push({ node, reachable: false, error: describe(error) });
        }
      }
      if (shard.pgbouncer) {
        const node = `shard${index}-pgbouncer`;
        try {
          nodes.push({ node, reachable: true, pools: await checkPgBouncer(shard.pgbouncer, node, findings) });
        } catch (error) {
          nodes.push({ node, reachable: false, error: describe(error) });
        }
      }
      for (const [r, url] of (shard.replicas ?? []).entries()) {
        const replica = `shard${index}-replica${r + 1}`;
        try {
          const rsql = await connect(url);
          await rsql.end({ timeout: 2 });
          nodes.push({ node: replica, reachable: true });
        } catch (error) {
          nodes.push({ node: replica, reachable: false, error: describe(error) });
        }
      }
    }
    findings.push(...skewFindings(sizes, writes, t, (shard) => options.map?.strategy.pinnedTo(shard) ?? []));
  } finally {
    await Promise.all(
      primaries.map((p) => (p.status === 'fulfilled' ? p.value.end({ timeout: 2 }) : undefined)),
    );
  }
  const unreachable = nodes.filter((n) => !n.reachable).map((n) => n.node);
  const first = findings.map((f) => f.stage).sort((a, b) => a - b)[0];
  return {
    ok: findings.length === 0 && unreachable.length === 0,
    unreachable,
    nodes,
    findings,
    ...(first !== undefined ? { stage: { number: first, ...STAGES[first]! } } : {}),
  };
}
