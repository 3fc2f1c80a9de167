import { findSchemaViolations } from 'drizzle-shard';
import type { SchemaAdvice, TableInfo } from '../model.ts';

/**
 * The sharding rules the schema breaks, each with the change to make: the runtime's own checks
 * (primary and unique keys include the shard key, foreign keys stay within a shard group), and
 * shard keys that may be NULL (such a row has no shard).
 */
export function schemaAdvice(schema: Record<string, unknown>, tables: readonly TableInfo[]): SchemaAdvice[] {
  const advice: SchemaAdvice[] = findSchemaViolations(schema).map((v) => ({ ...v }));
  for (const t of tables) {
    if (t.sharding !== 'sharded') continue;
    const key = t.columns.find((c) => c.name === t.keyColumn);
    if (key && !key.notNull) {
      advice.push({
        table: t.name,
        rule: 'key-not-null',
        message: `"${t.name}" shard key "${key.name}" is nullable: a row without it belongs to no shard. Backfill NULLs, then declare it ${key.property}: ….notNull().`,
      });
    }
  }
  return advice.sort((a, b) => a.table.localeCompare(b.table) || a.rule.localeCompare(b.rule));
}
