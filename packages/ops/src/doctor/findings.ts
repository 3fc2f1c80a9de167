import type { PoolSummary } from './pgbouncer-pools.ts';

/** One thing the doctor noticed, with the seed stage it belongs to and the fix. */
export interface Finding {
  /** Stable code, e.g. `CONNECTIONS_HIGH`. */
  readonly code:
    | 'CONNECTIONS_HIGH'
    | 'POOL_WAITING'
    | 'REPLICA_LAG'
    | 'SEQ_SCANS'
    | 'LARGE_TABLE'
    | 'MISSING_INDEX'
    | 'SHARD_SKEW'
    | 'WRITE_SKEW'
    | 'PREPARED_XACTS'
    | 'INVALID_INDEX'
    | 'IDLE_REPLICATION_SLOT';
  readonly severity: 'warning';
  /** Node id (`shard0-primary`, `shard1-replica1`) or `fleet`. */
  readonly node: string;
  readonly message: string;
  readonly fix: string;
  /** The seed stage this is (1 PgBouncer … 11 sharding). */
  readonly stage: number;
}

export interface NodeReport {
  readonly node: string;
  readonly reachable: boolean;
  readonly error?: string;
  readonly connections?: { readonly used: number; readonly max: number };
  readonly sizeBytes?: number;
  readonly commits?: number;
  /** PgBouncer nodes: their pools added up. */
  readonly pools?: PoolSummary;
  /** WAL written per second during the doctor's sample (primaries). */
  readonly writeBytesPerSec?: number;
}

export interface DoctorReport {
  readonly ok: boolean;
  readonly unreachable: readonly string[];
  readonly nodes: readonly NodeReport[];
  readonly findings: readonly Finding[];
  /** The earliest seed stage with a finding: where to act first. */
  readonly stage?: { readonly number: number; readonly name: string; readonly next: string };
}

export const STAGES: Record<number, { name: string; next: string }> = {
  1: { name: 'connection exhaustion', next: 'put PgBouncer (transaction mode) in front of each primary' },
  4: { name: 'replica lag', next: 'find what delays replay; use read-your-writes sessions (lsn mode)' },
  7: { name: 'missing indexes', next: 'run `drizzle-shard generate`, then `drizzle-shard indexes apply`' },
  9: {
    name: 'oversized tables',
    next: 'move cold rows out (`drizzle-shard archive --table … --older-than 90d --to warehouse.duckdb`)',
  },
  10: {
    name: 'leftovers',
    next: 'recover prepared transactions (db.recoverPreparedTransactions()) and rebuild invalid indexes',
  },
  11: {
    name: 'uneven shards',
    next: 'rebalance buckets (`drizzle-shard reshard`, planned) or revisit the shard key',
  },
};
