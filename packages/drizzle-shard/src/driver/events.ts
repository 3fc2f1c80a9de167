import { EventEmitter } from 'node:events';
import type { ConsistencyEventMap } from '../consistency/session.ts';
import type { RecoveryEventMap } from '../reference/resolver.ts';
import type { ReplicaSetEventMap } from '../replicas/events.ts';

/**
 * What the db reports: replicas (`replica-ejected`, `replica-readmitted`, `lag`, `read-fallback`),
 * rejected consistency tokens (`token-rejected`), two-phase recovery (`two-phase-recovered`),
 * server notices. Listen with `db.events.on(name, listener)`.
 */
export interface ReplicaEventMap extends ReplicaSetEventMap, ConsistencyEventMap, RecoveryEventMap {
  /** A NOTICE or WARNING a server sent (postgres.js would print it to stdout otherwise). */
  notice: [{ shard: number; node: string; severity: string; code: string; message: string }];
}

export type ReplicaEvents = EventEmitter<ReplicaEventMap>;

export function createReplicaEvents(): ReplicaEvents {
  return new EventEmitter<ReplicaEventMap>();
}
