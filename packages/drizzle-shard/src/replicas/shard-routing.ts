import { currentSession } from '../consistency/session.ts';
import type { NodeRouting, NodeSession } from '../drizzle/node-session.ts';
import type { ReadRequirement, ReplicaSet } from './replica-set.ts';

const ANY: ReadRequirement = { kind: 'any' };

/** Connects a shard's primary session to its replica set and the request's consistency session. */
export class ShardRouting implements NodeRouting {
  constructor(private readonly replicas: ReplicaSet) {}

  read<T>(run: (session: NodeSession<Record<string, unknown>, never>) => Promise<T>): Promise<T> {
    const session = currentSession();
    if (!session) return this.replicas.read(ANY, run);
    const waitMs = session.consistency.mode === 'lsn' ? session.consistency.waitMs : 0;
    return this.replicas.read(session.requirement(this.replicas.shard), run, waitMs);
  }

  tracksWrites(): boolean {
    return currentSession()?.tracksWrites ?? false;
  }

  afterWrite(): Promise<void> {
    return currentSession()?.recordWrite(this.replicas.shard) ?? Promise.resolve();
  }
}
