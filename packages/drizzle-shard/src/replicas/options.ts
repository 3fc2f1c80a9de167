import { DrizzleShardError } from '../errors.ts';

/** How reads are spread over a shard's replicas and when a replica stops getting them. */
export interface ReplicaOptions {
  /** `round-robin` (default) or `least-lag` (the replica with the least replay lag). */
  readonly policy?: 'round-robin' | 'least-lag';
  /** Eject a replica whose replay is this far behind in time. Default 10,000 ms. */
  readonly maxLagMs?: number;
  /** Eject a replica whose replay is this many WAL bytes behind. Default 64 MiB. */
  readonly maxLagBytes?: number;
  /** How often each replica's lag and health are polled. Default 1,000 ms. */
  readonly monitorIntervalMs?: number;
  /** A poll slower than this counts as a failure. Default 2,000 ms. */
  readonly healthTimeoutMs?: number;
  /**
   * A read on a replica with no answer after this long is given up on: the replica is ejected
   * and the read runs on the next candidate (reads are idempotent; the first one is left to
   * finish on its own). Guards against connections that hang while a replica or its PgBouncer
   * restarts. Set it above your slowest replica query, or 0 to never give up. Default 30,000 ms.
   */
  readonly readTimeoutMs?: number;
  /**
   * A replica read with no answer after this long makes the router probe the replica (`select 1`
   * on a connection of its own, which must answer within the same time). A replica that answers
   * is alive and the read keeps waiting (up to `readTimeoutMs`); one that does not (stopped
   * behind PgBouncer, a dead connection) is ejected and the read moves to the next replica or
   * the primary, so such a read waits about twice this long more than its own time. Default
   * 250 ms; 0 turns probing off.
   */
  readonly stallTimeoutMs?: number;
  /**
   * Good health polls in a row an ejected replica needs to be re-admitted (a restarting server
   * answers a poll between refusals). Default 3; the first admission needs one.
   */
  readonly readmitAfterPolls?: number;
}

export type ResolvedReplicaOptions = Required<ReplicaOptions>;

export function resolveReplicaOptions(options: ReplicaOptions = {}): ResolvedReplicaOptions {
  const resolved: ResolvedReplicaOptions = {
    policy: options.policy ?? 'round-robin',
    maxLagMs: options.maxLagMs ?? 10_000,
    maxLagBytes: options.maxLagBytes ?? 64 * 1024 * 1024,
    monitorIntervalMs: options.monitorIntervalMs ?? 1_000,
    healthTimeoutMs: options.healthTimeoutMs ?? 2_000,
    readTimeoutMs: options.readTimeoutMs ?? 30_000,
    stallTimeoutMs: options.stallTimeoutMs ?? 250,
    readmitAfterPolls: options.readmitAfterPolls ?? 3,
  };
  if (resolved.policy !== 'round-robin' && resolved.policy !== 'least-lag') {
    throw new DrizzleShardError('CONFIG_INVALID', `replicas.policy must be 'round-robin' or 'least-lag'.`);
  }
  for (const name of ['maxLagMs', 'maxLagBytes', 'monitorIntervalMs', 'healthTimeoutMs'] as const) {
    const value = resolved[name];
    if (!Number.isFinite(value) || value <= 0) {
      throw new DrizzleShardError(
        'CONFIG_INVALID',
        `replicas.${name} must be a positive number, got ${value}.`,
      );
    }
  }
  if (!Number.isFinite(resolved.readTimeoutMs) || resolved.readTimeoutMs < 0) {
    throw new DrizzleShardError('CONFIG_INVALID', 'replicas.readTimeoutMs must be ≥ 0 (0: no limit).');
  }
  if (!Number.isFinite(resolved.stallTimeoutMs) || resolved.stallTimeoutMs < 0) {
    throw new DrizzleShardError('CONFIG_INVALID', 'replicas.stallTimeoutMs must be ≥ 0 (0: off).');
  }
  if (!Number.isInteger(resolved.readmitAfterPolls) || resolved.readmitAfterPolls < 1) {
    throw new DrizzleShardError('CONFIG_INVALID', 'replicas.readmitAfterPolls must be an integer ≥ 1.');
  }
  return resolved;
}
