import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '@drizzle-shard/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { capture } from '../../cli/test/support/capture.ts';
import { generate, loadConfig } from '../src/index.ts';

const ORDERS_APP = path.resolve(import.meta.dirname, '../../../examples/orders-app');
const EDGE_APP = path.resolve(import.meta.dirname, 'fixtures/edge-app');

/** 1-based line of the first line matching `pattern` after the line containing `after`. */
function lineOf(file: string, pattern: RegExp, after: string): number {
  const lines = readFileSync(path.join(EDGE_APP, file), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.includes(after));
  return lines.findIndex((l, i) => i > start && pattern.test(l)) + 1;
}

const temps: string[] = [];
function copyOf(dir: string): string {
  const target = mkdtempSync(path.join(path.dirname(dir), '.tmp-codegen-'));
  temps.push(target);
  cpSync(dir, target, { recursive: true, filter: (src) => !src.includes('generated') });
  return target;
}
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe('drizzle-shard generate on the orders app', () => {
  it("recommends the seed's orders (user_id, created_at DESC) index and the users-by-email index", async () => {
    const result = await generate(await loadConfig(ORDERS_APP));
    const orders = result.indexes.find((i) => i.name === 'orders_user_id_created_at_desc_idx');
    expect(orders).toMatchObject({
      table: 'orders',
      columns: [
        { name: 'user_id', direction: 'asc' },
        { name: 'created_at', direction: 'desc' },
      ],
      unique: false,
    });
    expect(orders!.sources).toContainEqual({ file: 'src/queries.ts', line: 11 });
    expect(result.indexes.find((i) => i.table === 'users')).toMatchObject({
      name: 'users_email_idx',
      columns: [{ name: 'email', direction: 'asc' }],
    });
    expect(result.files.get('indexes.sql')).toContain(
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "orders_user_id_created_at_desc_idx" ON "orders" ("user_id", "created_at" DESC);',
    );
    // The email lookup runs through db.allShards() on purpose: a fan-out in the cost list, not an
    // error; the demo's unkeyed select on the top-level db throws SHARD_KEY_MISSING: an error.
    expect(result.files.get('scatter.md')).toContain(
      '| `users` | src/queries.ts:21 | select | every shard | email |',
    );
    expect(result.errors.map((e) => `${e.location.file}:${e.location.line} ${e.kind}`)).toEqual([
      'src/demo/basics.ts:52 require-shard-key',
    ]);
    // A lookup by key is served by the primary key: no index for it.
    expect(result.indexes.some((i) => i.columns.length === 1 && i.columns[0]!.name === 'id')).toBe(false);
  });

  it('is deterministic, and the committed output is current (--check exits 0)', async () => {
    const config = await loadConfig(ORDERS_APP);
    const [a, b] = [await generate(config), await generate(config)];
    expect([...a.files]).toEqual([...b.files]);
    const { io, out } = capture();
    expect(await run(['generate', '--check'], io, ORDERS_APP)).toBe(0);
    expect(out.join('')).toContain('up to date');
  });
});

describe('edge cases', () => {
  it('uuid and text keys, composite keys, two schema files, aliases, mixed directions, covering indexes', async () => {
    const result = await generate(await loadConfig(EDGE_APP));
    expect(result.tables.map((t) => [t.exportName, t.keyKind])).toEqual([
      ['accounts', 'uuid'],
      ['archive', 'text'],
      ['notes', 'text'],
    ]);
    // accounts(tenant_id, created_at) scanned backwards serves ORDER BY created_at DESC.
    expect(result.indexes.filter((i) => i.table === 'accounts')).toEqual([]);
    // Key first, then the other equality, then the sort with its mixed directions.
    expect(result.indexes.map((i) => i.name)).toEqual([
      'notes_owner_at_desc_idx',
      'notes_owner_topic_score_desc_at_idx',
      'notes_topic_idx',
    ]);
    expect(result.indexes.filter((i) => i.name === 'notes_owner_topic_score_desc_at_idx')).toEqual([
      {
        table: 'notes',
        name: 'notes_owner_topic_score_desc_at_idx',
        columns: [
          { name: 'owner', direction: 'asc' },
          { name: 'topic', direction: 'asc' },
          { name: 'score', direction: 'desc' },
          { name: 'at', direction: 'asc' },
        ],
        unique: false,
        sources: [{ file: 'src/queries.ts', line: lineOf('src/queries.ts', /\.from\(n\)/, 'topNotes') }],
        benefit:
          'from the query shape: without it reads every `notes` row matching (owner) through a declared index and filters on topic, then sorts them for a LIMIT on score, at; with it, only the rows returned',
      },
    ]);
    // The relational query (callback where/orderBy) gives notes(owner, at DESC).
    const relational = result.patterns.find((p) => p.kind === 'relational');
    expect(relational).toMatchObject({
      table: 'notes',
      equality: ['owner'],
      orderBy: [{ name: 'at', direction: 'desc' }],
      limit: true,
      hasShardKey: true,
    });
    const helpers = result.files.get('helpers.ts')!;
    expect(helpers).toContain(
      'export function archiveOf(db: ShardRouter, owner: ShardKeyOfTable<typeof archive>)',
    );
    expect(helpers).toContain(
      'export function accountsOf(db: ShardRouter, tenantId: ShardKeyOfTable<typeof accounts>)',
    );
    expect(helpers).toContain("import { archive, notes } from '../src/notes.ts';");
    expect(result.scatter.map((p) => `${p.location.file}:${p.location.line}`)).toEqual([
      `src/queries.ts:${lineOf('src/queries.ts', /export const allTopics/, 'notesByDay')}`,
    ]);
  });

  it('--check fails after a schema change and passes after regenerating', async () => {
    const dir = copyOf(EDGE_APP);
    const config = path.join(dir, 'drizzle-shard.config.ts');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(
        '../../../src/index.ts',
        path.resolve(import.meta.dirname, '../src/index.ts'),
      ),
    );
    const cli = (args: string[]) => {
      const c = capture();
      return run(args, c.io, dir).then((code) => ({ code, ...c }));
    };
    expect((await cli(['generate'])).code).toBe(0);
    expect((await cli(['generate', '--check'])).code).toBe(0);
    const schema = path.join(dir, 'src/notes.ts');
    writeFileSync(
      schema,
      readFileSync(schema, 'utf8').replace(
        "topic: text('topic').notNull(),",
        "topic: text('topic').notNull(),\n      mood: text('mood'),",
      ),
    );
    const stale = await cli(['generate', '--check']);
    expect(stale.code).toBe(1);
    expect(stale.err.join('')).toMatch(/stale: generated\/helpers\.ts/);
    expect((await cli(['generate'])).code).toBe(0);
    expect((await cli(['generate', '--check'])).code).toBe(0);
  });

  it('--fail-on-scatter exits 1 on the error only, --fail-on-fanout on the fan-outs too; flags and drizzle.config.ts work without a config file', async () => {
    const c = capture();
    expect(await run(['generate', '--check', '--fail-on-scatter'], c.io, ORDERS_APP)).toBe(1);
    expect(c.err.join('')).toContain('error: src/demo/basics.ts:52 select on `orders` without `user_id`');
    expect(c.err.join('')).not.toContain('src/queries.ts:21');
    const fanOuts = capture();
    expect(await run(['generate', '--check', '--fail-on-fanout'], fanOuts.io, ORDERS_APP)).toBe(1);
    expect(fanOuts.err.join('')).toContain('fan-out: src/queries.ts:21 (users, db.allShards())');

    const dir = copyOf(EDGE_APP);
    rmSync(path.join(dir, 'drizzle-shard.config.ts'));
    const flags = capture();
    const args = ['generate', '--schema', 'src/accounts.ts', '--schema', 'src/notes.ts', '--out', 'gen'];
    expect(await run(args, flags.io, dir)).toBe(0);
    expect(readFileSync(path.join(dir, 'gen/indexes.sql'), 'utf8')).toContain('"notes_owner_at_desc_idx"');
    writeFileSync(
      path.join(dir, 'drizzle.config.ts'),
      "export default { schema: ['./src/accounts.ts', './src/notes.ts'] };\n",
    );
    const kit = capture();
    expect(await run(['generate'], kit.io, dir)).toBe(0);
    expect(existsSync(path.join(dir, 'drizzle-shard/helpers.ts'))).toBe(true);
  });

  it('a schema with a syntax error or without tables: exit 2, file:line in the message, nothing written', async () => {
    const dir = copyOf(EDGE_APP);
    const config = path.join(dir, 'drizzle-shard.config.ts');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(
        '../../../src/index.ts',
        path.resolve(import.meta.dirname, '../src/index.ts'),
      ),
    );
    const schema = path.join(dir, 'src/notes.ts');
    writeFileSync(schema, `${readFileSync(schema, 'utf8')}\nexport const broken = (;\n`);
    const c = capture();
    expect(await run(['generate'], c.io, dir)).toBe(2);
    expect(c.err.join('')).toMatch(/notes\.ts:\d+:\d+/);
    expect(c.err.join('')).toContain('CODEGEN_SCHEMA_LOAD_FAILED');
    expect(existsSync(path.join(dir, 'generated'))).toBe(false);

    writeFileSync(schema, 'export const nothing = 1;\n');
    writeFileSync(path.join(dir, 'src/accounts.ts'), 'export {};\n');
    const d = capture();
    expect(await run(['generate'], d.io, dir)).toBe(2);
    expect(d.err.join('')).toContain('CODEGEN_SCHEMA_EMPTY');
    expect(existsSync(path.join(dir, 'generated'))).toBe(false);
  });
});
