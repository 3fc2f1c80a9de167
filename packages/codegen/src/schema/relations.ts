import {
  createTableRelationsHelpers,
  extractTablesRelationalConfig,
  getTableName,
  is,
  normalizeRelation,
  Relations,
} from 'drizzle-orm';
import type { RelationInfo } from '../model.ts';

/**
 * The relations the schema declares with drizzle's `relations()`, per table export name, each
 * with the columns it joins on (so relational `with:` loads can be checked like joins).
 */
export function relationsOf(exports: Record<string, unknown>): Map<string, RelationInfo[]> {
  const out = new Map<string, RelationInfo[]>();
  if (!Object.values(exports).some((v) => is(v, Relations))) return out;
  const { tables, tableNamesMap } = extractTablesRelationalConfig(exports, createTableRelationsHelpers);
  for (const [exportName, config] of Object.entries(tables)) {
    const list: RelationInfo[] = [];
    for (const [name, relation] of Object.entries(config.relations)) {
      try {
        const { fields, references } = normalizeRelation(tables, tableNamesMap, relation);
        list.push({
          name,
          target: getTableName(relation.referencedTable),
          columns: fields.map((f, i) => [f.name, references[i]?.name ?? ''] as const),
        });
      } catch {
        // A relation drizzle itself cannot resolve: nothing to check.
      }
    }
    out.set(exportName, list);
  }
  return out;
}
