import { createHash } from 'node:crypto';
import path from 'node:path';
import type { AccessPattern, TableInfo } from '../model.ts';
import { withHeader } from './header.ts';

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function importPath(from: string, to: string): string {
  const relative = path.relative(from, to).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/** Key-bound list helpers for the sorts the app actually uses on this table (`byCreatedAtDesc`). */
function sortHelpers(table: TableInfo, patterns: readonly AccessPattern[]): string[] {
  const prop = (name: string) => table.columns.find((c) => c.name === name)?.property ?? name;
  const seen = new Map<string, string[]>();
  const bodies = new Map<string, string>();
  for (const p of patterns) {
    if (p.table !== table.name || !p.hasShardKey || p.orderBy.length === 0) continue;
    // The helper repeats the query: only for one whose whole filter is the key (nothing dropped).
    if (!p.exact || p.range.length || p.equality.some((c) => c !== table.keyColumn)) continue;
    const name = `by${p.orderBy.map((o) => pascal(prop(o.name)) + (o.direction === 'desc' ? 'Desc' : '')).join('Then')}`;
    const order = p.orderBy.map((o) => `${o.direction}(${table.exportName}.${prop(o.name)})`).join(', ');
    seen.set(name, [...(seen.get(name) ?? []), `${p.location.file}:${p.location.line}`]);
    bodies.set(
      name,
      `(page: { limit?: number; offset?: number } = {}) =>\n      shard.select().from(${table.exportName}).where(own).orderBy(${order}).limit(page.limit ?? 20).offset(page.offset ?? 0)`,
    );
  }
  return [...seen.keys()]
    .sort()
    .map(
      (name) => `    /** As queried at ${seen.get(name)!.join(', ')}. */\n    ${name}: ${bodies.get(name)},`,
    );
}

function tableHelpers(table: TableInfo, patterns: readonly AccessPattern[]): string {
  const t = table.exportName;
  const key = table.keyProperty!;
  const row = `typeof ${t}.$inferInsert`;
  return `/** \`${table.name}\` rows of one \`${table.keyColumn}\`, on the shard that owns it. */
export function ${t}Of(db: ShardRouter, ${key}: ShardKeyOfTable<typeof ${t}>) {
  const shard = db.shardFor(${t}, ${key});
  const own = eq(${t}.${key}, ${key});
  return {
    /** The owning shard's drizzle database. */
    db: shard,
    find: (where?: SQL) => shard.select().from(${t}).where(and(own, where)),
    count: (where?: SQL) => shard.$count(${t}, and(own, where)),
    update: (set: Partial<${row}>, where?: SQL) => shard.update(${t}).set(set).where(and(own, where)).returning(),
    delete: (where?: SQL) => shard.delete(${t}).where(and(own, where)).returning(),
${sortHelpers(table, patterns).join('\n')}
  };
}

/** Inserts \`${table.name}\` rows; each goes to the shard of its \`${table.keyColumn}\`. */
export function insert${pascal(t)}(db: Pick<PostgresJsDatabase<any>, 'insert'>, values: ${row} | ${row}[]) {
  return Array.isArray(values) ? db.insert(${t}).values(values) : db.insert(${t}).values(values);
}
`;
}

/**
 * The helpers module: for each sharded table, functions that cannot be called without a key of
 * the right type (the schema's), returning drizzle's inferred row types.
 */
export function helpersModule(
  tables: readonly TableInfo[],
  patterns: readonly AccessPattern[],
  outDir: string,
): string {
  const sharded = tables.filter((t) => t.sharding === 'sharded' && t.keyProperty);
  const imports = new Map<string, string[]>();
  for (const t of sharded) imports.set(t.file, [...(imports.get(t.file) ?? []), t.exportName]);
  const helpers = sharded.map((t) => tableHelpers(t, patterns));
  const uses = (fn: string) => helpers.some((h) => h.includes(`${fn}(`));
  const drizzleImports = [
    'and',
    ...(uses('asc') ? ['asc'] : []),
    ...(uses('desc') ? ['desc'] : []),
    'eq',
    'type SQL',
  ];
  // The schema's fingerprint: any change to a table (a column, an index) makes --check fail.
  const schemaHash = createHash('sha256')
    .update(JSON.stringify(tables.map(({ file, ...t }) => ({ ...t, file: path.basename(file) }))))
    .digest('hex')
    .slice(0, 16);
  const body = `// schema fingerprint: ${schemaHash}
import { ${drizzleImports.join(', ')} } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { ShardKeyOfTable } from 'drizzle-shard';
${[...imports]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([file, names]) => `import { ${names.sort().join(', ')} } from '${importPath(outDir, file)}';`)
  .join('\n')}

/** What the helpers need from a database made by shardedDrizzle(). */
export interface ShardRouter {
  shardFor<T extends PgTable>(table: T, key: ShardKeyOfTable<T>): PostgresJsDatabase<any>;
}

${helpers.join('\n')}`;
  return withHeader(body, '//');
}
