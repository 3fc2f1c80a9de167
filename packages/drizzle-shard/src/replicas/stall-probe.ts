import type { ReplicaNode } from './replica-node.ts';

/** `work`'s value if it settles within `ms`, `undefined` if not; a rejection counts as `false`. */
export function settledWithin<T>(work: Promise<T>, ms: number): Promise<T | false | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([work.catch(() => false as const), late]).finally(() => clearTimeout(timer));
}

/**
 * Whether the replica answers `select 1` within `ms`, on its probe connection (not the read
 * pool: postgres.js pipelines queries on busy connections, so a probe there would queue behind
 * the very reads it checks on). Also asked when a read failed on a connection: a server that
 * answers is up and only that connection was stale (after a restart, PgBouncer drops each client
 * connection once), so the replica stays in rotation. Behind PgBouncer a stopped server leaves queries waiting in
 * PgBouncer's queue (up to its `query_wait_timeout`), so a probe gets no answer either. Reads
 * waiting on the same replica share one probe.
 */
export function probeReplica(replica: ReplicaNode, ms: number): Promise<boolean> {
  // A connection PgBouncer dropped while the server was away fails once: asked again, a fresh one answers.
  const ask = () => replica.probeClient.unsafe('select 1').then(() => true as const);
  replica.probe ??= settledWithin(ask().catch(ask), ms)
    .then((answered) => answered === true)
    .finally(() => {
      replica.probe = undefined;
    });
  return replica.probe;
}
