import { DrizzleShardError } from '../errors.ts';
import { ShardMap } from '../routing/shard-map.ts';
import { shardedMetaOf } from '../schema/annotations.ts';
import { tablesOf } from '../schema/rules.ts';
import type { NodeConfig, ShardedDrizzleConfig } from './config.ts';

function invalid(field: string, problem: string): DrizzleShardError {
  return new DrizzleShardError('CONFIG_INVALID', `shardedDrizzle: \`${field}\` ${problem}.`, { field });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** `field` absent, or a number passing `ok`; `expected` completes "must be …". */
function checkNumber(field: string, value: unknown, ok: (n: number) => boolean, expected: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !ok(value))
    throw invalid(field, `must be ${expected}, got ${describe(value)}`);
}

/** A value's type and, for numbers, booleans and short words, the value: never a string that could be a secret. */
function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'string') return /^[a-z-]{1,16}$/i.test(value) ? `'${value}'` : `a string`;
  return Array.isArray(value) ? 'an array' : typeof value;
}

/** The pool options postgres.js would otherwise accept and then hang or misbehave on. */
function checkPool(field: string, pool: unknown): void {
  if (pool === undefined) return;
  if (!isObject(pool))
    throw invalid(field, `must be an object of postgres.js options, got ${describe(pool)}`);
  checkNumber(`${field}.max`, pool.max, (n) => Number.isInteger(n) && n >= 1, 'an integer ≥ 1');
  for (const name of ['idle_timeout', 'connect_timeout', 'max_lifetime'] as const) {
    checkNumber(
      `${field}.${name}`,
      pool[name],
      (n) => Number.isFinite(n) && n >= 0,
      'a number ≥ 0 (seconds)',
    );
  }
}

/**
 * The node's server as a comparable string (`host:port/database`, no user or password), or a
 * typed error naming the field: an empty string, a non-PostgreSQL scheme or a URL `new URL`
 * rejects (its raw TypeError would carry the whole URL, password included).
 */
function checkNode(field: string, node: unknown): string {
  const url = typeof node === 'string' ? node : isObject(node) ? node.url : undefined;
  if (typeof url !== 'string' || url === '') {
    throw invalid(field, 'must be a postgres:// URL or { url: "postgres://…" }');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(field, 'is not a valid URL (its text is not shown: it may hold a password)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw invalid(
      field,
      `must use postgres:// or postgresql://, not ${describe(parsed.protocol.replace(/:$/, ''))}`,
    );
  }
  if (isObject(node)) checkPool(`${field}.options`, node.options);
  const host = parsed.hostname.toLowerCase();
  const database = parsed.pathname.slice(1) || parsed.username || 'postgres';
  return `${host}:${parsed.port || '5432'}/${database}`;
}

/**
 * Validates every option of {@link ShardedDrizzleConfig} at construction: each mistake is a
 * `CONFIG_INVALID` naming its field (`details.field`), never a raw TypeError later or an option
 * silently read as another. Two shards on the same host, port and database are refused here;
 * the same server under two names is caught at start-up by its identity (see `server-identity.ts`).
 */
export function validateConfig(config: ShardedDrizzleConfig<Record<string, unknown>>): void {
  if (!isObject(config)) throw invalid('config', 'must be an object');
  if (!isObject(config.schema)) throw invalid('schema', 'must be the schema module (an object of tables)');
  if (!Array.isArray(config.shards) || config.shards.length === 0) {
    throw invalid(
      'shards',
      `must be a non-empty array of { primary, replicas? }, got ${describe(config.shards)}`,
    );
  }
  const servers = new Map<string, string>();
  const claim = (field: string, node: NodeConfig) => {
    const server = checkNode(field, node);
    const other = servers.get(server);
    if (other) throw invalid(field, `names the same server and database as \`${other}\``);
    servers.set(server, field);
  };
  for (const [i, shard] of (config.shards as unknown[]).entries()) {
    if (!isObject(shard))
      throw invalid(`shards[${i}]`, `must be { primary, replicas? }, got ${describe(shard)}`);
    claim(`shards[${i}].primary`, shard.primary as NodeConfig);
    if (shard.replicas !== undefined && !Array.isArray(shard.replicas)) {
      throw invalid(`shards[${i}].replicas`, `must be an array, got ${describe(shard.replicas)}`);
    }
    for (const [r, replica] of ((shard.replicas as unknown[]) ?? []).entries()) {
      claim(`shards[${i}].replicas[${r}]`, replica as NodeConfig);
    }
  }
  if (config.shardMap !== undefined && !(config.shardMap instanceof ShardMap)) {
    throw invalid('shardMap', 'must be a ShardMap (ShardMap.hash(…), ShardMap.fromJSON(…))');
  }
  checkPool('pool', config.pool);
  if (config.fanout !== undefined) {
    if (!isObject(config.fanout)) throw invalid('fanout', 'must be an object');
    checkFanout('fanout', config.fanout);
  }
  checkTwoPhase(config.twoPhase);
  checkTokens(config.tokens);
}

/** `concurrency` a positive integer, `onShardError` exactly 'fail' or 'partial'. */
export function checkFanout(field: string, fanout: { concurrency?: unknown; onShardError?: unknown }): void {
  checkNumber(
    `${field}.concurrency`,
    fanout.concurrency,
    (n) => Number.isInteger(n) && n >= 1,
    'an integer ≥ 1',
  );
  if (
    fanout.onShardError !== undefined &&
    fanout.onShardError !== 'fail' &&
    fanout.onShardError !== 'partial'
  ) {
    throw invalid(
      `${field}.onShardError`,
      `must be 'fail' or 'partial', got ${describe(fanout.onShardError)}`,
    );
  }
}

function checkTwoPhase(twoPhase: unknown): void {
  if (twoPhase === undefined) return;
  if (!isObject(twoPhase)) throw invalid('twoPhase', 'must be an object');
  checkNumber(
    'twoPhase.stepTimeoutMs',
    twoPhase.stepTimeoutMs,
    (n) => Number.isFinite(n) && n > 0,
    'a number > 0',
  );
  checkNumber(
    'twoPhase.recoverEveryMs',
    twoPhase.recoverEveryMs,
    (n) => Number.isFinite(n) && n >= 0,
    'a number ≥ 0',
  );
  checkNumber(
    'twoPhase.orphanAfterMs',
    twoPhase.orphanAfterMs,
    (n) => Number.isFinite(n) && n >= 0,
    'a number ≥ 0',
  );
}

function checkTokens(tokens: unknown): void {
  if (tokens === undefined) return;
  if (!isObject(tokens) || !Array.isArray(tokens.keys))
    throw invalid('tokens.keys', 'must be an array of { id, secret }');
  const ids = new Set<unknown>();
  for (const [i, key] of (tokens.keys as unknown[]).entries()) {
    if (!isObject(key)) throw invalid(`tokens.keys[${i}]`, 'must be { id, secret }');
    if (typeof key.id !== 'string') throw invalid(`tokens.keys[${i}].id`, 'must be a string');
    if (ids.has(key.id))
      throw invalid(`tokens.keys[${i}].id`, `repeats key id '${key.id}': ids must be unique`);
    ids.add(key.id);
    if (typeof key.secret !== 'string' && !Buffer.isBuffer(key.secret)) {
      throw invalid(`tokens.keys[${i}].secret`, `must be a string or Buffer, got ${describe(key.secret)}`);
    }
  }
}

/**
 * The map's pinned tenants against every sharded table's key type: an override that is not a
 * key of such a column (`'acme'` for an integer key) is `CONFIG_INVALID`, at startup.
 */
export function checkMapKeys(shardMap: ShardMap, schema: Record<string, unknown>): void {
  for (const table of tablesOf(schema)) {
    const type = shardedMetaOf(table)?.keyType;
    if (type) shardMap.strategy.checkKeys(type);
  }
}
