import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { SQL } from 'drizzle-orm';
import { getTableColumns, is, Relations, Table } from 'drizzle-orm';
import { getTableConfig, PgDialect, type PgTable } from 'drizzle-orm/pg-core';
import { shardingOf } from 'drizzle-shard';
import { tsImport } from 'tsx/esm/api';
import { CodegenError } from '../errors.ts';
import type { ExistingIndex, IndexColumn, SchemaAdvice, TableInfo } from '../model.ts';
import { relationsOf } from './relations.ts';
import { schemaAdvice } from './schema-advice.ts';

const dialect = new PgDialect();

/** A partial index's `where` as SQL text, its parameters inlined as literals. */
function predicateText(where: SQL): string {
  const query = dialect.sqlToQuery(where);
  return query.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const value = query.params[Number(n) - 1];
    return typeof value === 'string' ? `'${value.replaceAll("'", "''")}'` : String(value);
  });
}

function indexesOf(table: PgTable): ExistingIndex[] {
  const config = getTableConfig(table);
  const plain = (names: string[]): IndexColumn[] => names.map((name) => ({ name, direction: 'asc' }));
  const out: ExistingIndex[] = [];
  const pkColumns = config.columns.filter((c) => c.primary).map((c) => c.name);
  if (pkColumns.length)
    out.push({ name: `${config.name}_pkey`, columns: plain(pkColumns), unique: true, partial: false });
  for (const pk of config.primaryKeys) {
    out.push({
      name: pk.getName(),
      columns: plain(pk.columns.map((c) => c.name)),
      unique: true,
      partial: false,
    });
  }
  for (const c of config.columns.filter((c) => c.isUnique)) {
    out.push({
      name: c.uniqueName ?? `${config.name}_${c.name}_unique`,
      columns: plain([c.name]),
      unique: true,
      partial: false,
    });
  }
  for (const u of config.uniqueConstraints) {
    out.push({
      name: u.getName() ?? '',
      columns: plain(u.columns.map((c) => c.name)),
      unique: true,
      partial: false,
    });
  }
  for (const index of config.indexes) {
    const columns = index.config.columns.map((c) => ({
      name: (c as { name?: string }).name ?? '?',
      direction: ((c as { indexConfig?: { order?: string } }).indexConfig?.order === 'desc'
        ? 'desc'
        : 'asc') as 'asc' | 'desc',
    }));
    out.push({
      name: index.config.name ?? '',
      columns,
      unique: index.config.unique,
      partial: !!index.config.where,
      ...(index.config.where ? { predicate: predicateText(index.config.where) } : {}),
    });
  }
  return out;
}

function describe(exportName: string, file: string, table: PgTable): TableInfo {
  const config = getTableConfig(table);
  const columns = Object.entries(getTableColumns(table)).map(([property, c]) => ({
    property,
    name: c.name,
    notNull: c.notNull,
  }));
  const sharding = shardingOf(table);
  const base = { exportName, file, name: config.name, columns, indexes: indexesOf(table) };
  if (sharding?.kind === 'sharded') {
    return {
      ...base,
      sharding: 'sharded',
      keyColumn: sharding.keyColumn.name,
      keyProperty: columns.find((c) => c.name === sharding.keyColumn.name)?.property,
      keyKind: sharding.keyKind,
    };
  }
  return { ...base, sharding: sharding?.kind === 'reference' ? 'reference' : 'unsharded' };
}

/** Where a load error points, from esbuild's `file:line:column` text when it has one. */
function locate(error: unknown, file: string): string {
  const text = String((error as Error)?.message ?? error);
  const match = /([^\s:]+\.[cm]?tsx?):(\d+):(\d+)/.exec(text);
  return match ? `${match[1]}:${match[2]}:${match[3]}` : file;
}

/**
 * Imports the schema modules at run time (TypeScript through tsx, as drizzle-kit does) and
 * describes every exported drizzle table: columns, sharding, declared indexes.
 */
export async function loadSchema(files: readonly string[]): Promise<TableInfo[]> {
  return (await readSchema(files)).tables;
}

/** {@link loadSchema}, and the sharding rules the schema breaks, each with its fix. */
export async function readSchema(
  files: readonly string[],
): Promise<{ tables: TableInfo[]; advice: SchemaAdvice[] }> {
  const tables: TableInfo[] = [];
  const exports: Record<string, unknown> = {};
  for (const file of files) {
    if (!existsSync(file))
      throw new CodegenError('CODEGEN_SCHEMA_LOAD_FAILED', `Schema file not found: ${file}`);
    let module: Record<string, unknown>;
    try {
      module = (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
    } catch (error) {
      const first = String((error as Error)?.message ?? error)
        .split('\n')
        .slice(0, 3)
        .join(' ');
      throw new CodegenError(
        'CODEGEN_SCHEMA_LOAD_FAILED',
        `Could not load the schema at ${locate(error, file)}: ${first}`,
        { cause: error },
      );
    }
    for (const [exportName, value] of Object.entries(module)) {
      if (is(value, Relations)) exports[exportName] = value;
      if (!is(value, Table)) continue;
      tables.push(describe(exportName, file, value as PgTable));
      exports[exportName] = value;
    }
  }
  if (tables.length === 0) {
    throw new CodegenError(
      'CODEGEN_SCHEMA_EMPTY',
      `No drizzle tables are exported from ${files.join(', ')}. Export each pgTable (export const orders = …).`,
    );
  }
  const seen = new Map<string, TableInfo>();
  for (const t of tables) {
    const other = seen.get(t.exportName);
    if (other && other.name !== t.name) {
      throw new CodegenError(
        'CODEGEN_SCHEMA_LOAD_FAILED',
        `Two schema files export a table named ${t.exportName}.`,
      );
    }
    seen.set(t.exportName, t);
  }
  const relations = relationsOf(exports);
  const sorted = [...seen.values()]
    .map((t) => (relations.has(t.exportName) ? { ...t, relations: relations.get(t.exportName)! } : t))
    .sort((a, b) => a.exportName.localeCompare(b.exportName));
  return { tables: sorted, advice: schemaAdvice(exports, sorted) };
}
