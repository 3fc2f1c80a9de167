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
}

export type ResolvedReplicaOptions = Required<ReplicaOptions>;

export function resolveReplicaOptions(options: ReplicaOptions = {}): ResolvedReplicaOptions {
  const resolved: ResolvedReplicaOptions = {
    policy: options.policy ?? 'round-robin',
    maxLagMs: options.maxLagMs ?? 10_000,
    maxLagBytes: options.maxLagBytes ?? 64 * 1024 * 1024,
    monitorIntervalMs: options.monitorIntervalMs ?? 1_000,
    healthTimeoutMs: options.healthTimeoutMs ?? 2_000,
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
  return resolved;
}
