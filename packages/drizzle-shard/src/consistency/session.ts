import { AsyncLocalStorage } from 'node:async_hooks';
import { DrizzleShardError } from '../errors.ts';
import type { EventSink } from '../event-sink.ts';
import type { PrimaryIdentity } from '../replicas/lag-monitor.ts';
import { parseLsn } from '../replicas/lsn.ts';
import type { ReadRequirement } from '../replicas/replica-set.ts';
import {
  type ConsistencyOptions,
  type ResolvedConsistency,
  resolveConsistency,
  type TokenOptions,
} from './options.ts';
import type { RecentWrites } from './recent-writes.ts';
import { parseToken, signToken, type WriteMark } from './token.ts';

/** What sessions need from the fleet: primaries' identities and WAL positions. */
export interface ShardPositions {
  identity(shard: number): PrimaryIdentity | undefined;
  /** The primary's WAL insert position now (after a write committed), with its identity. */
  currentPosition(shard: number): Promise<{ lsn: string; identity: PrimaryIdentity }>;
}

/** What sessions report (part of the db's `events`). */
export interface ConsistencyEventMap {
  /** A consistency token was not trusted; reads of its shards go to the primary for a while. */
  'token-rejected': [{ code: string; reason: string }];
}

export interface SessionContext {
  readonly defaults: ResolvedConsistency;
  readonly tokens?: TokenOptions;
  readonly maxLagMs: number;
  readonly events: EventSink<ConsistencyEventMap>;
  readonly positions: ShardPositions;
  readonly recent: RecentWrites;
}

export interface SessionOptions {
  /** The user (or other owner) whose writes this session tracks in this instance's memory. */
  readonly key?: string | number | bigint;
  /** A token from `session.token()` of an earlier request, possibly on another instance. */
  readonly token?: string | null;
  /** Override the db's default consistency for this session. */
  readonly consistency?: ConsistencyOptions;
}

const storage = new AsyncLocalStorage<ConsistencySession>();

/** The session of the running request, if it is inside `session.run()`. */
export function currentSession(): ConsistencySession | undefined {
  return storage.getStore();
}

function newer(a: WriteMark | undefined, b: WriteMark): boolean {
  if (!a) return true;
  const [la, lb] = [parseLsn(a.lsn), parseLsn(b.lsn)];
  if (la !== undefined && lb !== undefined && a.systemId === b.systemId && a.timeline === b.timeline)
    return lb > la;
  return b.at > a.at;
}

/**
 * Read-your-writes for one request (or user). Statements run inside `session.run(fn)` record
 * the session's writes per shard and send its reads where those writes are visible.
 *
 * @example
 * const session = db.startSession({ key: userId, token: req.headers['x-consistency'] });
 * await session.run(async () => {
 *   await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
 *   return db.select().from(users).where(eq(users.id, userId)); // sees the new hash
 * });
 * res.setHeader('x-consistency', session.token());
 */
export class ConsistencySession {
  readonly consistency: ResolvedConsistency;
  private readonly marks = new Map<number, WriteMark>();
  private readonly key?: string;
  /** Primary reads until this time (ms) after an untrusted token. */
  private distrustUntil = 0;
  private readonly reportedForeign = new Set<number>();

  constructor(
    private readonly context: SessionContext,
    options: SessionOptions = {},
  ) {
    this.consistency = options.consistency ? resolveConsistency(options.consistency) : context.defaults;
    if (options.key !== undefined) {
      this.key = String(options.key);
      for (const mark of context.recent.get(this.key)?.values() ?? []) this.merge(mark);
    }
    if (options.token) this.importToken(options.token);
  }

  /**
   * Runs `fn` with this session as the current one for every db call inside it
   * (AsyncLocalStorage). The result is awaited inside the session too: drizzle queries are lazy,
   * so `session.run(() => db.select()…)` executes the query here, not after `run` returned.
   */
  run<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    return storage.run(this, async () => await fn());
  }

  private merge(mark: WriteMark): void {
    if (newer(this.marks.get(mark.shard), mark)) this.marks.set(mark.shard, mark);
  }

  private importToken(token: string): void {
    const tokens = this.context.tokens;
    const parsed = tokens
      ? parseToken(token, tokens.keys, tokens.maxAgeMs ?? 3_600_000)
      : ({ ok: false, reason: 'unknown-key', detail: 'no token keys are configured' } as const);
    if (parsed.ok) {
      for (const mark of parsed.marks) this.merge(mark);
      return;
    }
    this.context.events.emit('token-rejected', { code: parsed.reason, reason: parsed.detail });
    // An expired token's writes are older than any usable replica's lag: nothing to wait for.
    if (parsed.reason === 'expired') return;
    if (tokens?.onInvalid === 'throw') {
      throw new DrizzleShardError(
        'CONSISTENCY_TOKEN_INVALID',
        `The consistency token was rejected (${parsed.reason}: ${parsed.detail}). Drop it and start a new session.`,
        { reason: parsed.reason },
      );
    }
    this.distrustUntil = Date.now() + this.context.maxLagMs;
  }

  /** Where a read of `shard` may go for this session. */
  requirement(shard: number): ReadRequirement {
    const now = Date.now();
    if (this.consistency.mode === 'strong' || now < this.distrustUntil) return { kind: 'primary' };
    const mark = this.marks.get(shard);
    if (!mark) return { kind: 'any' };
    const identity = this.context.positions.identity(shard);
    if (!identity || identity.systemId !== mark.systemId || identity.timeline !== mark.timeline) {
      // Another cluster or timeline (failover, restore): the position means nothing here.
      if (identity && !this.reportedForeign.has(shard)) {
        this.reportedForeign.add(shard);
        this.context.events.emit('token-rejected', {
          code: 'foreign-cluster',
          reason: `shard ${shard}: write made on system ${mark.systemId} timeline ${mark.timeline}`,
        });
      }
      return mark.at + this.context.maxLagMs > now ? { kind: 'primary' } : { kind: 'any' };
    }
    if (this.consistency.mode === 'window') {
      return mark.at + this.consistency.windowMs > now ? { kind: 'primary' } : { kind: 'any' };
    }
    const lsn = parseLsn(mark.lsn);
    if (lsn !== undefined) return { kind: 'lsn', lsn };
    return mark.at + this.context.maxLagMs > now ? { kind: 'primary' } : { kind: 'any' };
  }

  /** Notes a committed write on `shard` (lsn mode asks the primary for its WAL position). */
  async recordWrite(shard: number): Promise<void> {
    const at = Date.now();
    let mark: WriteMark;
    if (this.consistency.mode === 'lsn') {
      const { lsn, identity } = await this.context.positions.currentPosition(shard);
      mark = { shard, systemId: identity.systemId, timeline: identity.timeline, lsn, at };
    } else {
      const identity = this.context.positions.identity(shard);
      mark = { shard, systemId: identity?.systemId ?? '0', timeline: identity?.timeline ?? 1, lsn: null, at };
    }
    this.merge(mark);
    if (this.key !== undefined) this.context.recent.record(this.key, mark);
  }

  /** Whether this session needs to know about writes at all (strong mode does not). */
  get tracksWrites(): boolean {
    return this.consistency.mode !== 'strong';
  }

  /** A signed token of this session's writes, for a cookie or header; needs `tokens.keys` in the config. */
  token(): string {
    const key = this.context.tokens?.keys[0];
    if (!key) {
      throw new DrizzleShardError(
        'CONFIG_INVALID',
        'session.token() needs signing keys: shardedDrizzle({ tokens: { keys: [{ id: "k1", secret: process.env.TOKEN_SECRET }] } }).',
      );
    }
    return signToken([...this.marks.values()], key);
  }
}
