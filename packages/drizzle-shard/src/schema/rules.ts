import { getTableName, is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { DrizzleShardError } from '../errors.ts';
import { shardedMetaOf, shardingOf } from './annotations.ts';

/** One broken rule, named so users can find it. */
export interface SchemaViolation {
  readonly table: string;
  readonly rule: 'primary-key-includes-key' | 'unique-includes-key' | 'fk-colocated' | 'fk-to-sharded';
  readonly message: string;
}

/** The tables of a schema module (ignores relations and other exports). */
export function tablesOf(schema: Record<string, unknown>): PgTable[] {
  return Object.values(schema).filter((v): v is PgTable => is(v, PgTable));
}

/**
 * Checks the sharding rules: a sharded table's primary key and unique constraints include
 * its shard key; foreign keys between sharded tables include both keys (colocation); no
 * foreign key points at a sharded table from an unsharded or reference table.
 */
export function findSchemaViolations(schema: Record<string, unknown>): SchemaViolation[] {
  const violations: SchemaViolation[] = [];
  for (const table of tablesOf(schema)) {
    const name = getTableName(table);
    const config = getTableConfig(table);
    const meta = shardedMetaOf(table);
    if (meta) {
      const key = meta.keyColumn.name;
      const pkColumns = config.primaryKeys.map((pk) => pk.columns.map((c) => c.name));
      const inlinePk = config.columns.filter((c) => c.primary).map((c) => c.name);
      if (inlinePk.length > 0) pkColumns.push(inlinePk);
      for (const cols of pkColumns) {
        if (!cols.includes(key)) {
          violations.push({
            table: name,
            rule: 'primary-key-includes-key',
            message: `"${name}" primary key (${cols.join(', ')}) must include the shard key "${key}": uniqueness is only enforced within a shard. Use primaryKey({ columns: [t.${key}, ...] }) or a shard-aware ID.`,
          });
        }
      }
      const uniques = [
        ...config.uniqueConstraints.map((u) => u.columns.map((c) => c.name)),
        ...config.columns.filter((c) => c.isUnique).map((c) => [c.name]),
        ...config.indexes
          .filter((i) => i.config.unique)
          .map((i) => i.config.columns.map((c) => (c as { name?: string }).name ?? '')),
      ];
      for (const cols of uniques) {
        if (!cols.includes(key)) {
          violations.push({
            table: name,
            rule: 'unique-includes-key',
            message: `"${name}" unique constraint on (${cols.join(', ')}) must include the shard key "${key}", or it is only unique per shard.`,
          });
        }
      }
    }
    for (const fk of config.foreignKeys) {
      const ref = fk.reference();
      const target = shardedMetaOf(ref.foreignTable);
      if (!target) continue;
      const targetName = getTableName(ref.foreignTable);
      if (!meta) {
        violations.push({
          table: name,
          rule: 'fk-to-sharded',
          message: `"${name}" is ${shardingOf(table)?.kind ?? 'unsharded'} but has a foreign key to sharded table "${targetName}"; the referenced rows live on other shards. Shard "${name}" by the same key or drop the foreign key.`,
        });
        continue;
      }
      const pairs = ref.columns.map((c, i) => [c.name, ref.foreignColumns[i]?.name]);
      if (!pairs.some(([from, to]) => from === meta.keyColumn.name && to === target.keyColumn.name)) {
        violations.push({
          table: name,
          rule: 'fk-colocated',
          message: `Foreign key "${name}" → "${targetName}" must map shard key "${meta.keyColumn.name}" to "${target.keyColumn.name}" so both rows live on the same shard.`,
        });
      }
    }
  }
  return violations;
}

/** Throws `SCHEMA_RULE_VIOLATION` listing every broken rule. */
export function assertSchemaRules(schema: Record<string, unknown>): void {
  const violations = findSchemaViolations(schema);
  if (violations.length > 0) {
    throw new DrizzleShardError(
      'SCHEMA_RULE_VIOLATION',
      `The schema breaks ${violations.length} sharding rule(s):\n${violations.map((v) => `- ${v.message}`).join('\n')}`,
      { violations },
    );
  }
}
