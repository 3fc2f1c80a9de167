import type { AccessPattern, TableInfo } from '../model.ts';
import { shardErrors } from '../scan/shard-errors.ts';
import { withHeader } from './header.ts';

const sharded = (tables: readonly TableInfo[]) =>
  new Set(tables.filter((t) => t.sharding === 'sharded').map((t) => t.name));

/** Queries the top-level db gets on a sharded table without the key: they throw `SHARD_KEY_MISSING`. */
export function scatterPatterns(
  patterns: readonly AccessPattern[],
  tables: readonly TableInfo[],
): AccessPattern[] {
  const names = sharded(tables);
  return patterns.filter((p) => names.has(p.table) && p.routing === 'scatter');
}

/** Explicit fan-outs (`db.allShards()`) on sharded tables: not errors, a cost. */
export function fanOutPatterns(
  patterns: readonly AccessPattern[],
  tables: readonly TableInfo[],
): AccessPattern[] {
  const names = sharded(tables);
  return patterns.filter((p) => names.has(p.table) && p.routing === 'fan-out');
}

const where = (p: AccessPattern) => `${p.location.file}:${p.location.line}`;

/** The report's errors: statements that throw at run time, one line each, with the fix. */
export function errorLines(patterns: readonly AccessPattern[], tables: readonly TableInfo[]): string[] {
  return shardErrors(patterns, tables).map((e) => `- ${e.location.file}:${e.location.line} — ${e.message}`);
}

/** The cost list: one table row per explicit fan-out (table, file:line, shards touched, filters). */
export function fanOutLines(patterns: readonly AccessPattern[], tables: readonly TableInfo[]): string[] {
  const rows = fanOutPatterns(patterns, tables).map((p) => {
    const filters = [...new Set([...p.equality, ...p.range, ...p.compared])];
    return `| \`${p.table}\` | ${where(p)} | ${p.kind} | every shard | ${filters.join(', ') || '(none)'} |`;
  });
  return rows.length
    ? ['| table | where | query | shards touched | filters |', '|---|---|---|---|---|', ...rows]
    : [];
}

/** What the analysis could not decide, raw SQL and cross-shard joins: for a reviewer. */
export function checkLines(patterns: readonly AccessPattern[], tables: readonly TableInfo[]): string[] {
  const names = sharded(tables);
  const keyOf = (table: string) => tables.find((t) => t.name === table)?.keyColumn;
  const lines: string[] = [];
  for (const p of patterns.filter((q) => names.has(q.table))) {
    const key = keyOf(p.table);
    if (p.routing === 'unknown')
      lines.push(
        `- ${where(p)} — ${p.kind} on \`${p.table}\`: unknown: check by hand (${p.reasons.join('; ')}).`,
      );
    if (p.routing === 'not-analysed')
      lines.push(
        `- ${where(p)} — raw SQL on \`${p.table}\`: not analysed; check by hand that it filters on \`${key}\`.`,
      );
    for (const joined of p.crossShardJoins)
      lines.push(
        `- ${where(p)} — ${p.kind} on \`${p.table}\` joins \`${joined}\` without equal \`${key}\`/\`${keyOf(joined)}\`: cross-shard join. Add the key equality to the join condition.`,
      );
  }
  return lines;
}

/** Every line of the report about a query: errors, fan-out rows, lines to check by hand. */
export function scatterLines(patterns: readonly AccessPattern[], tables: readonly TableInfo[]): string[] {
  return [...errorLines(patterns, tables), ...fanOutLines(patterns, tables), ...checkLines(patterns, tables)];
}

/**
 * `scatter.md`: errors (statements that throw at run time: `--fail-on-scatter`), the cost list of
 * explicit fan-outs (`--fail-on-fanout`), and what needs a look by hand.
 */
export function scatterReport(patterns: readonly AccessPattern[], tables: readonly TableInfo[]): string {
  const errors = errorLines(patterns, tables);
  const fanOuts = fanOutLines(patterns, tables);
  const check = checkLines(patterns, tables);
  const lines = [
    '# Scatter report',
    '',
    '## Errors: statements that throw at run time',
    '',
    ...(errors.length ? errors : ['None: every query the top-level db routes names its shard key.']),
    '',
    '## Explicit fan-outs: `db.allShards()` queries and their cost',
    '',
    ...(fanOuts.length ? fanOuts : ['None.']),
    '',
    '## Check by hand: undecided queries, raw SQL, cross-shard joins',
    '',
    ...(check.length ? check : ['None.']),
  ];
  return withHeader(`${lines.join('\n')}\n`, '<!--');
}
