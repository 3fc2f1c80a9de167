import type { CpuUsage } from './limits/cpu-quota.ts';
import type { PgBouncerOptions } from './pgbouncer/pgbouncer.ts';

/** What to start. Every field has a default; `startCluster()` alone is one primary. */
export interface ClusterOptions {
  /** Number of shards (each one primary). Default 1. */
  readonly shards?: number;
  /** Streaming replicas per shard. Default 0. */
  readonly replicas?: number;
  /** Put a PgBouncer (transaction pooling) in front of every node. Default false. */
  readonly pgbouncer?: boolean | PgBouncerOptions;
  /** `local` (default, or env `DRIZZLE_SHARD_BACKEND`) runs binaries here; `docker` runs them in a container. */
  readonly backend?: 'local' | 'docker';
  /** Extra postgresql.conf settings for every node, e.g. `{ max_connections: 200 }`. */
  readonly settings?: Readonly<Record<string, string | number>>;
  /**
   * CPUs each PostgreSQL server may use (e.g. 0.25), enforced with a cgroup CPU quota (v1
   * `cpu.cfs_quota_us` or v2 `cpu.max`; needs root and the local backend), so N shards have N
   * times the capacity of one, as N real machines would. Default: no limit.
   */
  readonly cpuQuota?: number;
  /** Use consecutive ports from here instead of free ones picked by the kit. */
  readonly basePort?: number;
  /** Docker image for the docker backend. Default `drizzle-shard/postgres:15`. */
  readonly image?: string;
}

/** One running server. URLs use the `postgres` superuser and database on 127.0.0.1. */
export interface ClusterNode {
  /** Stable name: `shard0-primary`, `shard2-replica1`. */
  readonly id: string;
  readonly shard: number;
  readonly role: 'primary' | 'replica';
  readonly port: number;
  /** Direct connection URL. */
  readonly url: string;
  /** URL through this node's PgBouncer, when the cluster has PgBouncer. */
  readonly pgbouncerUrl?: string;
  readonly dataDir: string;
}

export interface ClusterShard {
  readonly index: number;
  readonly primary: ClusterNode;
  readonly replicas: readonly ClusterNode[];
}

/** A running cluster and its controls. Always `destroy()` it (the kit also cleans up on exit). */
export interface Cluster {
  readonly backend: 'local' | 'docker';
  readonly shards: readonly ClusterShard[];
  readonly nodes: readonly ClusterNode[];
  /** The folder holding every data dir (on the backend's filesystem). */
  readonly dataRoot: string;
  stop(node: ClusterNode | string): Promise<void>;
  start(node: ClusterNode | string): Promise<void>;
  /** Sets `recovery_min_apply_delay` on a replica (0 removes it) and reloads. */
  setReplayDelay(node: ClusterNode | string, ms: number): Promise<void>;
  pauseReplay(node: ClusterNode | string): Promise<void>;
  resumeReplay(node: ClusterNode | string): Promise<void>;
  /**
   * CPU a server used since it started (cumulative; compare two readings), from its cgroup.
   * Only for clusters started with `cpuQuota`: it is what makes each server its own group.
   */
  cpuUsage(node: ClusterNode | string): CpuUsage;
  /** Stops every process and removes every data dir. Safe to call twice. */
  destroy(): Promise<void>;
}
