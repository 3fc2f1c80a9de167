import { EventEmitter } from 'node:events';

/** What the replica layer reports. Listen with `db.events.on(name, listener)`. */
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
}

export type ReplicaEvents = EventEmitter<ReplicaEventMap>;

export function createReplicaEvents(): ReplicaEvents {
  return new EventEmitter<ReplicaEventMap>();
}
