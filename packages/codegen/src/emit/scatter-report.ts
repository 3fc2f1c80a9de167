import type { AccessPattern, TableInfo } from '../model.ts';
import { withHeader } from './header.ts';

/** Queries on sharded tables that do not pin the shard key: they fan out to every shard. */
export function scatterPatterns(
  patterns: readonly AccessPattern[],
  tables: readonly TableInfo[],
): AccessPattern[] {
  const sharded = new Set(tables.filter((t) => t.sharding === 'sharded').map((t) => t.name));
  return patterns.filter((p) => sharded.has(p.table) && !p.hasShardKey);
}

export function scatterReport(scatter: readonly AccessPattern[], tables: readonly TableInfo[]): string {
  const lines = ['# Scatter report: queries that will fan out to every shard', ''];
  if (scatter.length === 0) lines.push('None: every query on a sharded table pins its shard key.');
  for (const p of scatter) {
    const key = tables.find((t) => t.name === p.table)?.keyColumn;
    const filters = [...p.equality, ...p.range];
    lines.push(
      `- ${p.location.file}:${p.location.line} — ${p.kind} on \`${p.table}\` without \`${key}\`` +
        (filters.length ? ` (filters: ${filters.join(', ')})` : ' (no filter)') +
        '. Add the key, or run it through db.allShards() on purpose.',
    );
  }
  return withHeader(`${lines.join('\n')}\n`, '<!--');
}
