import { rmSync } from 'node:fs';
import path from 'node:path';
import { run } from '@drizzle-shard/cli';
import { afterAll, describe, expect, it } from 'vitest';
import { capture } from '../../cli/test/support/capture.ts';
import { generate, loadConfig } from '../src/index.ts';

const TEAM_APP = path.resolve(import.meta.dirname, 'fixtures/team-app');
afterAll(() => rmSync(path.join(TEAM_APP, 'generated'), { recursive: true, force: true }));

const expected = [
  {
    table: 'invoices',
    rule: 'fk-colocated',
    message:
      'Foreign key "invoices" → "documents" must map shard key "team_id" to "team_id" so both rows live on the same shard.',
  },
  {
    table: 'invoices',
    rule: 'key-not-null',
    message:
      '"invoices" shard key "team_id" is nullable: a row without it belongs to no shard. Backfill NULLs, then declare it teamId: ….notNull().',
  },
  {
    table: 'invoices',
    rule: 'primary-key-includes-key',
    message: expect.stringContaining('"invoices" primary key (id) must include the shard key "team_id"'),
  },
  {
    table: 'invoices',
    rule: 'unique-includes-key',
    message:
      '"invoices" unique constraint on (number) must include the shard key "team_id", or it is only unique per shard.',
  },
];

describe('schema advice', () => {
  it('reports each broken sharding rule with its fix; the tables that follow the rules get none', async () => {
    const result = await generate(await loadConfig(TEAM_APP));
    expect(result.schemaAdvice).toEqual(expected);
  });

  it('warnings by default (exit 0), errors with --strict (exit 1)', async () => {
    const plain = capture();
    expect(await run(['generate'], plain.io, TEAM_APP)).toBe(0);
    expect(plain.err.join('')).toContain(
      'warning: [key-not-null] "invoices" shard key "team_id" is nullable',
    );
    const strict = capture();
    expect(await run(['generate', '--strict'], strict.io, TEAM_APP)).toBe(1);
    const errors = strict.err
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('error: '));
    expect(errors.map((l) => /^error: \[([\w-]+)\]/.exec(l)?.[1])).toEqual(expected.map((e) => e.rule));
  });
});
