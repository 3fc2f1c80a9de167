import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GenerateResult, generate, loadConfig } from '../src/index.ts';
import { pinsOneRow } from '../src/recommend/covers.ts';

const TEAM_APP = path.resolve(import.meta.dirname, 'fixtures/team-app');
const SOURCE = readFileSync(path.join(TEAM_APP, 'src/index-advice.ts'), 'utf8').split('\n');
const lineOf = (name: string) => SOURCE.findIndex((l) => l.endsWith(`// q:${name}`)) + 1;

/** The recommendations expected to cite each fixture query (by index name). */
const expected: Record<string, string[]> = {
  pk: [],
  unordered: [],
  'partial-implied': [],
  'partial-not-implied': ['documents_team_id_slug_idx'],
  'unique-column': [],
  sorted: ['documents_team_id_created_at_desc_idx'],
  'sorted-extra': ['documents_team_id_created_at_desc_idx'],
};

describe('index advice is checked against the schema', () => {
  let result: GenerateResult;
  beforeAll(async () => {
    result = await generate(await loadConfig(TEAM_APP));
  });

  it.each(Object.keys(expected))('%s', (name) => {
    const line = lineOf(name);
    expect(line).toBeGreaterThan(0);
    const citing = result.indexes.filter((i) =>
      i.sources.some((s) => s.file === 'src/index-advice.ts' && s.line === line),
    );
    expect(citing.map((i) => i.name)).toEqual(expected[name]);
  });

  it('never repeats a primary or unique key, never copies a partial uniqueness, and says what each index saves', () => {
    for (const rec of result.indexes) {
      const table = result.tables.find((t) => t.name === rec.table)!;
      expect(
        pinsOneRow(
          table.indexes,
          rec.columns.map((c) => c.name),
        ),
      ).toBe(false);
      expect(rec.unique).toBe(false);
      expect(rec.sources.length).toBeGreaterThan(0);
    }
    expect(result.indexes.find((i) => i.name === 'documents_team_id_created_at_desc_idx')?.benefit).toBe(
      'from the query shape: without it reads every `documents` row matching (team_id) through a declared index and sorts them for a LIMIT on created_at; with it, only the rows returned',
    );
    expect(result.files.get('indexes.sql')).toContain(
      '-- from the query shape: without it reads every `documents` row matching (team_id) through a declared index and filters on slug; with it, only the matching rows\nCREATE INDEX CONCURRENTLY IF NOT EXISTS "documents_team_id_slug_idx" ON "documents" ("team_id", "slug");',
    );
  });

  it("writes snippets with the schema's own callback parameter name", () => {
    expect(result.files.get('index-snippets.md')).toContain(
      "index('documents_team_id_created_at_desc_idx').on(table.teamId, table.createdAt.desc()),",
    );
  });

  it('byX helpers cite only queries they repeat exactly (no dropped filters)', () => {
    const helpers = result.files.get('helpers.ts')!;
    expect(helpers).toContain(
      `/** As queried at src/index-advice.ts:${lineOf('sorted')}. */\n    byCreatedAtDesc:`,
    );
    expect(helpers).not.toContain(`src/index-advice.ts:${lineOf('sorted-extra')}`);
  });
});
