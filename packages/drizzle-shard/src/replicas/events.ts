import { EventEmitter } from 'node:events';
import type { RecoveryReport } from '../reference/recover.ts';

/** What the db reports: replicas, two-phase recovery, server notices. Listen with `db.events.on(name, listener)`. */
export interface ReplicaEventMap {
  /** A replica stopped receiving reads: over the lag limits, failing, or not a replica of this primary. */
  'replica-ejected': [{ shard: number; replica: string; reason: string }];
  /** An ejected replica is healthy again and receives reads. */
  'replica-readmitted': [{ shard: number; replica: string }];
  /** Each poll of a replica's lag. */
  lag: [{ shard: number; replica: string; lagBytes: number; lagMs: number }];
  /** A read that a replica could have served went to the primary because none was usable. */
  'read-fallback': [{ shard: number; reason: 'no-healthy-replica' | 'replica-failed' }];
  /** A consistency token was not trusted; reads of its shards go to the primary for a while. */
  'token-rejected': [{ code: string; reason: string }];
  /** The background resolver finished two-phase writes a writer left prepared (crash, deadline). */
  'two-phase-recovered': [RecoveryReport];
  /** A NOTICE or WARNING a server sent (postgres.js would print it to stdout otherwise). */
  notice: [{ shard: number; node: string; severity: string; code: string; message: string }];
}

export type ReplicaEvents = EventEmitter<ReplicaEventMap>;

export function createReplicaEvents(): ReplicaEvents {
  return new EventEmitter<ReplicaEventMap>();
}
