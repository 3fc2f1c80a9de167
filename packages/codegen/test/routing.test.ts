import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scatterLines } from '../src/emit/scatter-report.ts';
import { type GenerateResult, generate, loadConfig } from '../src/index.ts';

const TEAM_APP = path.resolve(import.meta.dirname, 'fixtures/team-app');
const SOURCE = readFileSync(path.join(TEAM_APP, 'src/routing.ts'), 'utf8').split('\n');

/** `src/routing.ts:<line>` of the query marked `// q:<name>` (the line naming its table). */
function at(name: string): string {
  const line = SOURCE.findIndex((l) => l.endsWith(`// q:${name}`)) + 1;
  if (line === 0) throw new Error(`no query marked q:${name}`);
  return `src/routing.ts:${line}`;
}
/** Line number of the first source line containing `text` (after line `from`). */
const lineOf = (text: string, from = 0) => SOURCE.findIndex((l, i) => i >= from && l.includes(text)) + 1;

/** The end of an error line: what throws and the fix, for a table keyed by `teamId`. */
const throws = (table: string) =>
  `: throws SHARD_KEY_MISSING at run time. Add \`eq(${table}.teamId, …)\`, use the generated \`${table}Of(db, teamId)\`, or run it through db.allShards() on purpose.`;

/** The report lines expected for each fixture query; `[]` = pinned to one shard, nothing to report. */
const expected: Record<string, (q: string) => string[]> = {
  'array-literal': () => [],
  'push-always': () => [],
  'push-if': (q) => [
    `- ${q} — select on \`documents\` without \`team_id\` (filters: status; \`team_id\` is only set under a condition at routing.ts:${lineOf('conditions.push(eq(documents.teamId', lineOf('function maybeKey'))})${throws('documents')}`,
  ],
  'later-where': () => [],
  'dynamic-if': (q) => [
    `- ${q} — select on \`documents\` without \`team_id\` (no filter; \`team_id\` is only set in a \`.where()\` under a condition at routing.ts:${lineOf('if (teamId) query = query.where')})${throws('documents')}`,
  ],
  'join-pinned': () => [],
  'cross-join': (q) => [
    `- ${q} — select on \`documents\` joins \`tags\` without equal \`team_id\`/\`team_id\`: cross-shard join. Add the key equality to the join condition.`,
  ],
  'is-null': (q) => [
    `- ${q} — select on \`invoices\` without \`team_id\` (filters: team_id; \`team_id\` is compared, but not with = (isNull/ne/gt pin no shard))${throws('invoices')}`,
  ],
  ne: (q) => [
    `- ${q} — select on \`documents\` without \`team_id\` (filters: team_id; \`team_id\` is compared, but not with = (isNull/ne/gt pin no shard))${throws('documents')}`,
  ],
  gt: (q) => [
    `- ${q} — delete on \`documents\` without \`team_id\` (filters: team_id; \`team_id\` is compared, but not with = (isNull/ne/gt pin no shard))${throws('documents')}`,
  ],
  'spread-or': () => [],
  'spread-or-missing': (q) => [
    `- ${q} — select on \`documents\` without \`team_id\` (no filter; \`team_id\` is only set in some branches of the or() at routing.ts:${lineOf('.where(or(...branches));', Number(q.split(':')[1]))})${throws('documents')}`,
  ],
  helper: () => [],
  'array-helper': () => [],
  'param-filter': (q) => [
    `- ${q} — select on \`documents\`: unknown: check by hand (the filter \`where\` at ${q.slice(4)} comes from outside the function).`,
  ],
  'returned-builder': (q) => [
    `- ${q} — select on \`tags\`: unknown: check by hand (the builder is returned at ${q.slice(4)}; its caller may add filters).`,
  ],
  'raw-filter': (q) => [
    `- ${q} — select on \`tags\`: unknown: check by hand (raw sql filter on the shard key at ${q.slice(4)}).`,
  ],
  'raw-other': (q) => [`- ${q} — update on \`tags\` without \`team_id\` (filters: name)${throws('tags')}`],
  relational: () => [],
  'with-cross': (q) => [
    `- ${q} — relational on \`documents\` joins \`tags\` without equal \`team_id\`/\`team_id\`: cross-shard join. Add the key equality to the join condition.`,
  ],
  'with-colocated': () => [],
  'no-filter': (q) => [
    `- ${q} — select on \`documents\` without \`team_id\` (no filter)${throws('documents')}`,
  ],
  raw: (q) => [
    `- ${q} — raw SQL on \`documents\`: not analysed; check by hand that it filters on \`team_id\`.`,
  ],
};

describe('scatter report: the analysis follows values within a function', () => {
  let result: GenerateResult;
  let lines: string[];
  beforeAll(async () => {
    result = await generate(await loadConfig(TEAM_APP));
    lines = scatterLines(result.patterns, result.tables);
  });

  it.each(Object.keys(expected))('%s', (name) => {
    const q = at(name);
    expect(lines.filter((l) => l.startsWith(`- ${q} `))).toEqual(expected[name]!(q));
  });

  it('reads every marked query, at the line naming its table, and nothing else', () => {
    const marked = Object.keys(expected).map((name) => at(name));
    const found = result.patterns
      .filter((p) => p.location.file === 'src/routing.ts')
      .map((p) => `src/routing.ts:${p.location.line}`);
    expect([...new Set(found)].sort()).toEqual([...marked].sort());
    for (const line of lines) expect(result.files.get('scatter.md')).toContain(line);
  });
});
