import type { Sql } from 'postgres';
import { redactText } from '../redact.ts';
import type { ReplicaSetEvents } from './events.ts';
import { parseLsn } from './lsn.ts';
import type { ResolvedReplicaOptions } from './options.ts';
import type { ReplicaNode } from './replica-node.ts';

/** Which cluster history a WAL position belongs to: positions only compare within one. */
export interface PrimaryIdentity {
  readonly systemId: string;
  readonly timeline: number;
}

/** The primary's WAL position with its identity; `insert` includes records not yet written out. */
function primarySql(position: 'pg_current_wal_lsn' | 'pg_current_wal_insert_lsn'): string {
  return `select ${position}()::text as lsn,
  ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int as timeline,
  (select system_identifier::text from pg_control_system()) as system_id`;
}
const PRIMARY_SQL = primarySql('pg_current_wal_lsn');
const PRIMARY_INSERT_SQL = primarySql('pg_current_wal_insert_lsn');

/**
 * The primary's WAL insert position right now: at or past the end of every transaction that
 * committed before this call, so a replica that replayed up to it sees them all.
 */
export async function readPrimaryPosition(primary: Sql): Promise<{ lsn: string; identity: PrimaryIdentity }> {
  const [row] = await primary.unsafe(PRIMARY_INSERT_SQL);
  return {
    lsn: String(row?.lsn),
    identity: { systemId: String(row?.system_id), timeline: Number(row?.timeline) },
  };
}

const REPLICA_SQL = `select pg_is_in_recovery() as recovery, pg_last_wal_replay_lsn()::text as replay,
  (select system_identifier::text from pg_control_system()) as system_id`;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Polls one shard: the primary's WAL position and identity, then each replica's replay position
 * and lag. A replica over `maxLagMs`/`maxLagBytes`, failing, slow, promoted, or replicating
 * another cluster is ejected; it is admitted at its first good poll, and re-admitted after `readmitAfterPolls` good
 * polls in a row.
 * Lag in time is read off the primary's own history: the monitor remembers when the primary was
 * at which WAL position, and a replica's lag is how long ago the primary first passed the
 * replica's replay position. Unlike `now() - pg_last_xact_replay_timestamp()`, this does not
 * grow on an idle primary, and it needs no clock agreement between servers.
 */
export class LagMonitor {
  identity?: PrimaryIdentity;
  primaryLsn?: bigint;
  /** (time, primary position) samples, oldest first, for time lag. */
  private history: { at: number; lsn: bigint }[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private running?: Promise<void>;

  constructor(
    private readonly shard: number,
    private readonly primary: Sql,
    private readonly replicas: readonly ReplicaNode[],
    private readonly options: ResolvedReplicaOptions,
    private readonly events: ReplicaSetEvents,
  ) {}

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.running = this.poll().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.options.monitorIntervalMs).unref();
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }

  /** One round: the primary, then every replica at once. Never throws. */
  async poll(): Promise<void> {
    try {
      const [row] = await withTimeout(this.primary.unsafe(PRIMARY_SQL), this.options.healthTimeoutMs);
      this.primaryLsn = parseLsn(row?.lsn);
      this.identity = { systemId: String(row?.system_id), timeline: Number(row?.timeline) };
      if (this.primaryLsn !== undefined) this.remember(Date.now(), this.primaryLsn);
    } catch {
      // Without the primary's position lag is unknown; replicas keep their last state.
      return;
    }
    await Promise.all(this.replicas.map((replica) => this.pollReplica(replica)));
  }

  private remember(at: number, lsn: bigint): void {
    const last = this.history.at(-1);
    if (last && last.lsn === lsn) return; // only positions the primary moved to matter
    this.history.push({ at, lsn });
    const horizon = at - 2 * this.options.maxLagMs;
    while (this.history.length > 1 && (this.history[0]!.at < horizon || this.history.length > 2000)) {
      this.history.shift();
    }
  }

  /** How long ago the primary first stood past `replay` (0 when the replica has every sampled position). */
  private lagMsAt(replay: bigint, now: number): number {
    const first = this.history.find((sample) => sample.lsn > replay);
    return first ? Math.max(0, now - first.at) : 0;
  }

  private async pollReplica(replica: ReplicaNode): Promise<void> {
    let problem: string | undefined;
    try {
      const [row] = await withTimeout(replica.client.unsafe(REPLICA_SQL), this.options.healthTimeoutMs);
      const replay = parseLsn(row?.replay);
      if (!row?.recovery) problem = 'not in recovery (promoted, or not a replica)';
      else if (String(row.system_id) !== this.identity?.systemId) problem = 'replicates another cluster';
      else if (replay === undefined) problem = 'has not replayed any WAL yet';
      else {
        replica.replayLsn = replay;
        const behind =
          this.primaryLsn !== undefined && replay < this.primaryLsn ? this.primaryLsn - replay : 0n;
        replica.lagBytes = Number(behind);
        replica.lagMs = this.lagMsAt(replay, Date.now());
        this.events.emit('lag', {
          shard: this.shard,
          replica: replica.name,
          lagBytes: replica.lagBytes,
          lagMs: replica.lagMs,
        });
        if (replica.lagMs > this.options.maxLagMs) problem = `lag ${Math.round(replica.lagMs)} ms > maxLagMs`;
        else if (replica.lagBytes > this.options.maxLagBytes)
          problem = `lag ${replica.lagBytes} bytes > maxLagBytes`;
      }
    } catch (error) {
      problem = `health check failed: ${redactText((error as Error)?.message ?? String(error))}`;
    }
    if (problem) {
      this.eject(replica, problem);
      return;
    }
    // An ejected replica comes back after readmitAfterPolls good polls in a row: a restarting
    // server answers a poll between refusals, and each flip would send reads into its errors.
    replica.goodPolls = (replica.goodPolls ?? 0) + 1;
    if (replica.admitted !== true || replica.goodPolls >= this.options.readmitAfterPolls) {
      this.readmit(replica);
    }
  }

  /** Asks each healthy replica for its replay position until one reaches `lsn` or `waitMs` passes. */
  async waitForReplay(lsn: bigint, waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      const healthy = this.replicas.filter((r) => r.healthy);
      if (healthy.length === 0) return;
      await Promise.all(
        healthy.map(async (replica) => {
          const [row] = await withTimeout(
            replica.client.unsafe('select pg_last_wal_replay_lsn()::text as replay'),
            Math.max(1, deadline - Date.now()),
          ).catch(() => [undefined]);
          const replay = parseLsn(row?.replay);
          if (replay !== undefined && (replica.replayLsn === undefined || replay > replica.replayLsn)) {
            replica.replayLsn = replay;
          }
        }),
      );
      if (healthy.some((r) => r.replayLsn !== undefined && r.replayLsn >= lsn)) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(20, Math.max(0, deadline - Date.now()))));
    }
  }

  /** Takes a replica out of rotation now (also used when a read on it fails). */
  eject(replica: ReplicaNode, reason: string): void {
    replica.reason = reason;
    replica.goodPolls = 0;
    if (!replica.healthy) return;
    replica.healthy = false;
    this.events.emit('replica-ejected', { shard: this.shard, replica: replica.name, reason });
  }

  private readmit(replica: ReplicaNode): void {
    replica.reason = undefined;
    replica.admitted = true;
    if (replica.healthy) return;
    replica.healthy = true;
    this.events.emit('replica-readmitted', { shard: this.shard, replica: replica.name });
  }
}
