import type { Sql } from 'postgres';

/**
 * One replica as the router sees it: its session (whatever the reads run on; the driver's node
 * session), and what the last poll said.
 */
export interface ReplicaNode<TSession = unknown> {
  /** `shard0/replica1`: 1-based position in the config (as the test kit names nodes), stable across restarts. */
  readonly name: string;
  readonly client: Sql;
  /** A one-connection pool of its own, for stall probes (see `stall-probe.ts`). */
  readonly probeClient: Sql;
  /** Good polls in a row since the last problem (re-admission needs `readmitAfterPolls`). */
  goodPolls?: number;
  /** Whether it was ever admitted (the first good poll admits it at once). */
  admitted?: boolean;
  /** The stall probe in flight, shared by the reads waiting on this replica. */
  probe?: Promise<boolean>;
  readonly session: TSession;
  healthy: boolean;
  /** Why it is ejected, while it is. */
  reason?: string;
  /** WAL position replayed at the last poll (undefined before the first successful one). */
  replayLsn?: bigint;
  lagBytes: number;
  lagMs: number;
  reads: number;
}

/** Point-in-time status of a replica, for `db.replicaStatus()`. */
export interface ReplicaStatus {
  readonly name: string;
  readonly healthy: boolean;
  readonly reason?: string;
  readonly lagBytes: number;
  readonly lagMs: number;
  readonly reads: number;
}

export interface ShardReplicaStatus {
  readonly shard: number;
  /** Reads served by the primary, for any reason. */
  readonly primaryReads: number;
  /** Reads a replica should have served, sent to the primary because none was healthy (or one failed). */
  readonly fallbacks: number;
  /** Reads sent to the primary because the session's writes were not yet on a replica. */
  readonly consistencyReads: number;
  readonly replicas: readonly ReplicaStatus[];
}
