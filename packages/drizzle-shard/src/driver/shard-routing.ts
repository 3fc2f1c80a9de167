import { currentSession } from '../consistency/session.ts';
import type { NodeRouting } from '../drizzle/node-session.ts';
import type { ShardSession } from '../drizzle/shard-database.ts';
import type { ReadRequirement, ReplicaSet } from '../replicas/replica-set.ts';

const ANY: ReadRequirement = { kind: 'any' };

/** Connects a shard's primary session to its replica set and the request's consistency session. */
export class ShardRouting implements NodeRouting {
  constructor(private readonly replicas: ReplicaSet<ShardSession>) {}

  read<T>(run: (session: ShardSession) => Promise<T>): Promise<T> {
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
