import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorLines, fanOutLines } from '../src/emit/scatter-report.ts';
import { type GenerateResult, generate, loadConfig } from '../src/index.ts';

const TEAM_APP = path.resolve(import.meta.dirname, 'fixtures/team-app');
const SOURCE = readFileSync(path.join(TEAM_APP, 'src/receivers.ts'), 'utf8').split('\n');
/** Line number of the first source line containing `text` after line `from`. */
const lineOf = (text: string, from = 0) => SOURCE.findIndex((l, i) => i >= from && l.includes(text)) + 1;
const at = (name: string) => `src/receivers.ts:${lineOf(`// r:${name}`)}`;

describe('scatter report: errors that throw at run time, apart from explicit fan-outs', () => {
  let result: GenerateResult;
  let errors: string[];
  beforeAll(async () => {
    result = await generate(await loadConfig(TEAM_APP));
    errors = errorLines(result.patterns, result.tables).filter((l) => l.startsWith('- src/receivers.ts:'));
  });

  it('lists db.allShards() queries (also through a variable) as fan-outs with their cost, not as errors', () => {
    const rows = fanOutLines(result.patterns, result.tables).filter((l) => l.includes('src/receivers.ts'));
    expect(rows).toEqual([
      `| \`documents\` | ${at('all-shards')} | select | every shard | (none) |`,
      `| \`tags\` | ${at('all-shards-variable')} | select | every shard | (none) |`,
    ]);
    expect(result.fanOuts.map((p) => `${p.location.file}:${p.location.line}`)).toContain(at('all-shards'));
  });

  it('reports the unkeyed update, the insert whose rows may lack the key and the top-level transactions', () => {
    const tx = lineOf('db.transaction(async (tx) => {');
    expect(errors).toEqual([
      `- ${at('unkeyed')} — update on \`documents\` without \`team_id\` (no filter): throws SHARD_KEY_MISSING at run time. Add \`eq(documents.teamId, …)\`, use the generated \`documentsOf(db, teamId)\`, or run it through db.allShards() on purpose.`,
      `- ${at('insert-unkeyed')} — insert into \`invoices\` whose rows do not always set the shard key \`team_id\`: throws SHARD_KEY_MISSING at run time. Set \`teamId\` in every row.`,
      `- src/receivers.ts:${tx} — db.transaction() on the top-level db throws TRANSACTION_NEEDS_SHARD (a transaction runs on one shard). Every statement uses the key \`teamId\`: run it as db.shard(teamId).transaction(…).`,
      `- ${at('tx-other')} — delete on \`tags\` with the key \`b\`, which cannot be proven equal to the key \`a\` of \`documents\` at receivers.ts:${lineOf('tx.delete(documents)')}, in the db.transaction() at receivers.ts:${lineOf('db.transaction(async (tx) => {', tx)}: a transaction runs on one shard (TRANSACTION_NEEDS_SHARD). Split it into one db.shard(key).transaction(…) per key.`,
    ]);
  });

  it('says nothing of queries on a shard-bound db, in a shard transaction, or a keyed insert', () => {
    for (const name of ['shard', 'shard-tx', 'insert-keyed'])
      expect(errors.filter((l) => l.startsWith(`- ${at(name)} `))).toEqual([]);
    const pinned = result.patterns.filter(
      (p) => p.location.file === 'src/receivers.ts' && p.routing === 'pinned',
    );
    expect(pinned.map((p) => `${p.location.file}:${p.location.line}`)).toEqual(
      expect.arrayContaining([at('shard'), at('shard-tx'), at('insert-keyed')]),
    );
  });
});
