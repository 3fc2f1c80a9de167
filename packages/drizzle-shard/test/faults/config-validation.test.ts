import { inspect } from 'node:util';
import { type Cluster, startCluster } from '@drizzle-shard/testing';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDrizzleShardError, type ShardedDrizzleConfig, ShardMap, shardedDrizzle } from '../../src/index.ts';
import { schema, users } from '../support/schema.ts';

// Every option that used to hang, return a wrong answer or throw a raw TypeError is refused at
// construction with CONFIG_INVALID naming its field; one server under two names is refused at
// start-up by its identity.

const A = 'postgres://app:s3cret-A@127.0.0.1:1/a';
const B = 'postgres://app:s3cret-B@127.0.0.1:2/b';
type Config = ShardedDrizzleConfig<typeof schema>;

const BAD: Array<[string, Partial<Config> | Record<string, unknown>, string]> = [
  ['no schema', { schema: undefined, shards: [{ primary: A }] }, 'schema'],
  ['shards as a string', { shards: A }, 'shards'],
  ['no shards', { shards: [] }, 'shards'],
  ['a shard without primary', { shards: [{ primary: A }, {}] }, 'shards[1].primary'],
  ['an empty URL', { shards: [{ primary: '' }] }, 'shards[0].primary'],
  ['an http URL', { shards: [{ primary: 'http://app:s3cret-A@127.0.0.1:1/a' }] }, 'shards[0].primary'],
  ['a URL new URL rejects', { shards: [{ primary: 'postgres://app:s3cret-A@[::1/a' }] }, 'shards[0].primary'],
  ['a replica list that is not an array', { shards: [{ primary: A, replicas: B }] }, 'shards[0].replicas'],
  ['the same URL twice', { shards: [{ primary: A }, { primary: A }] }, 'shards[1].primary'],
  [
    'the same server with another password',
    { shards: [{ primary: A }, { primary: A.replace('s3cret-A', 'other') }] },
    'shards[1].primary',
  ],
  ['fanout.concurrency NaN', { fanout: { concurrency: Number.NaN } }, 'fanout.concurrency'],
  ['fanout.concurrency 0', { fanout: { concurrency: 0 } }, 'fanout.concurrency'],
  ["onShardError 'Fail'", { fanout: { onShardError: 'Fail' } }, 'fanout.onShardError'],
  ['pool.max 0', { pool: { max: 0 } }, 'pool.max'],
  [
    "a node's options.max 0",
    { shards: [{ primary: { url: A, options: { max: 0 } } }] },
    'shards[0].primary.options.max',
  ],
  [
    'duplicate token key ids',
    {
      tokens: {
        keys: [
          { id: 'k1', secret: 'a'.repeat(32) },
          { id: 'k1', secret: 'b'.repeat(32) },
        ],
      },
    },
    'tokens.keys[1].id',
  ],
  ['a non-string token secret', { tokens: { keys: [{ id: 'k1', secret: 12345 }] } }, 'tokens.keys[0].secret'],
  ['twoPhase.stepTimeoutMs -1', { twoPhase: { stepTimeoutMs: -1 } }, 'twoPhase.stepTimeoutMs'],
  ['a shard map that is not a ShardMap', { shardMap: { shards: 2 } }, 'shardMap'],
];

function construct(overrides: Record<string, unknown>): unknown {
  try {
    const db = shardedDrizzle({ schema, shards: [{ primary: A }, { primary: B }], ...overrides } as Config);
    void db.close();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('bad options are typed errors at construction', () => {
  for (const [name, overrides, field] of BAD) {
    it(`${name} → CONFIG_INVALID naming ${field}`, () => {
      const error = construct(overrides);
      expect(isDrizzleShardError(error, 'CONFIG_INVALID'), String(error)).toBe(true);
      expect((error as { details: { field?: string } }).details.field).toBe(field);
      expect(inspect(error, { depth: 5 })).not.toMatch(/s3cret/);
    });
  }

  it('allShards() options are checked too', () => {
    const db = shardedDrizzle({ schema, shards: [{ primary: A }] });
    try {
      const error = (() => {
        try {
          db.allShards({ onShardError: 'Partial' as never });
        } catch (e) {
          return e;
        }
      })();
      expect(isDrizzleShardError(error, 'CONFIG_INVALID')).toBe(true);
      expect((error as { details: { field?: string } }).details.field).toBe(
        'allShards(options).onShardError',
      );
    } finally {
      void db.close();
    }
  });
});

describe('a pinned tenant the schema cannot hold is refused at construction', () => {
  const pinned = (key: string | number) =>
    ShardMap.fromJSON({
      ...ShardMap.hash({ shards: 2 }).toJSON(),
      strategy: 'pinned-hash',
      overrides: [{ key, shard: 1 }],
    });

  it("'acme' for integer keys → CONFIG_INVALID naming the override; 42 is fine", () => {
    const error = construct({ shardMap: pinned('acme') });
    expect(isDrizzleShardError(error, 'CONFIG_INVALID'), String(error)).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({
      override: 0,
      value: { key: 'acme', shard: 1 },
      reason: expect.stringContaining('not a shard key value for int keys'),
    });
    expect(construct({ shardMap: pinned(42) })).toBeUndefined();
  });
});

describe('one server under two names is refused at start-up', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(() => cluster?.destroy());

  it('localhost and 127.0.0.1 for the same server: ready() and the first statement throw CONFIG_INVALID', async () => {
    const url = cluster.shards[0]!.primary.url;
    const db = shardedDrizzle({
      schema,
      shards: [{ primary: url }, { primary: url.replace('127.0.0.1', 'localhost') }],
      pool: { max: 2, onnotice: () => {} },
    });
    try {
      const ready = await db.ready().catch((e: unknown) => e);
      expect(isDrizzleShardError(ready, 'CONFIG_INVALID'), String(ready)).toBe(true);
      expect((ready as { details: { field?: string } }).details.field).toBe('shards[1].primary');
      const counted = await db
        .allShards()
        .select({ n: count() })
        .from(users)
        .catch((e: unknown) => e);
      expect(isDrizzleShardError(counted, 'CONFIG_INVALID'), String(counted)).toBe(true);
    } finally {
      await db.close();
    }
  });
});
