import type { AccessPattern, TableInfo } from '../model.ts';
import { withHeader } from './header.ts';

const sharded = (tables: readonly TableInfo[]) =>
  new Set(tables.filter((t) => t.sharding === 'sharded').map((t) => t.name));

/** Queries on sharded tables that do not pin the shard key: they fan out to every shard. */
export function scatterPatterns(
  patterns: readonly AccessPattern[],
  tables: readonly TableInfo[],
): AccessPattern[] {
  const names = sharded(tables);
  return patterns.filter((p) => names.has(p.table) && p.routing === 'scatter');
}

const where = (p: AccessPattern) => `${p.location.file}:${p.location.line}`;
const because = (p: AccessPattern) => (p.reasons.length ? `; ${p.reasons.join('; ')}` : '');

/** One report line per finding: fan-outs, undecided queries, cross-shard joins, raw SQL. */
export function scatterLines(patterns: readonly AccessPattern[], tables: readonly TableInfo[]): string[] {
  const names = sharded(tables);
  const keyOf = (table: string) => tables.find((t) => t.name === table)?.keyColumn;
  const lines: string[] = [];
  for (const p of patterns.filter((q) => names.has(q.table))) {
    const key = keyOf(p.table);
    if (p.routing === 'scatter') {
      const filters = [...new Set([...p.equality, ...p.range, ...p.compared])];
      lines.push(
        `- ${where(p)} — ${p.kind} on \`${p.table}\` without \`${key}\`` +
          (filters.length ? ` (filters: ${filters.join(', ')}${because(p)})` : ` (no filter${because(p)})`) +
          '. Add the key, or run it through db.allShards() on purpose.',
      );
    }
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

export function scatterReport(patterns: readonly AccessPattern[], tables: readonly TableInfo[]): string {
  const lines = ['# Scatter report: queries that will fan out to every shard, or need a look', ''];
  const found = scatterLines(patterns, tables);
  lines.push(...(found.length ? found : ['None: every query on a sharded table pins its shard key.']));
  return withHeader(`${lines.join('\n')}\n`, '<!--');
}
