import type { EventSink } from '../event-sink.ts';

/** What replica sets report (part of the db's `events`). */
export interface ReplicaSetEventMap {
  /** A replica stopped receiving reads: over the lag limits, failing, or not a replica of this primary. */
  'replica-ejected': [{ shard: number; replica: string; reason: string }];
  /** An ejected replica is healthy again and receives reads. */
  'replica-readmitted': [{ shard: number; replica: string }];
  /** Each poll of a replica's lag. */
  lag: [{ shard: number; replica: string; lagBytes: number; lagMs: number }];
  /** A read that a replica could have served went to the primary because none was usable. */
  'read-fallback': [{ shard: number; reason: 'no-healthy-replica' | 'replica-failed' }];
}

export type ReplicaSetEvents = EventSink<ReplicaSetEventMap>;
