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
  return resolved;
}
