import type { ColumnInfo, TableInfo } from '@drizzle-shard/codegen/analysis';
import { type Node, type SourceFile, SyntaxKind, type Type, type VariableDeclaration } from 'ts-morph';

/** The name TypeScript gives the property of `sharded()`'s phantom brand (`unique symbol shardKeyType`). */
const BRAND = '__@shardKeyType@';

const KEY_KINDS: Record<string, TableInfo['keyKind']> = {
  PgUUID: 'uuid',
  PgText: 'text',
  PgVarchar: 'text',
  PgChar: 'text',
};

/** The type of property `name` of `type`, seen from `at`. */
const member = (type: Type, name: string, at: Node) => type.getProperty(name)?.getTypeAtLocation(at);

function literalOf(type: Type | undefined): string | undefined {
  const value = type?.isStringLiteral() ? type.getLiteralValue() : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** `sharded(t, { key: (t) => t.userId })` → `userId`: the key callback's property, as written. */
function keyProperty(declaration: VariableDeclaration): string | undefined {
  const init = declaration.getInitializer();
  if (!init?.isKind(SyntaxKind.CallExpression)) return undefined;
  const options = init.getArguments()[1];
  if (!options?.isKind(SyntaxKind.ObjectLiteralExpression)) return undefined;
  const key = options.getProperty('key');
  const fn = key?.isKind(SyntaxKind.PropertyAssignment) ? key.getInitializer() : undefined;
  const body = fn?.isKind(SyntaxKind.ArrowFunction) ? fn.getBody() : undefined;
  return body?.isKind(SyntaxKind.PropertyAccessExpression) ? body.getName() : undefined;
}

/**
 * A module-level variable holding a drizzle table, described from its type: SQL name and columns
 * from drizzle's `_` type members, sharding from the brand `sharded()`/`reference()` put on the
 * type (`never` for a reference table), the key from the `key` callback of its `sharded()` call.
 * A sharded table whose key callback cannot be read (declared in a `.d.ts`) is left out.
 */
function tableOf(declaration: VariableDeclaration): TableInfo | undefined {
  const type = declaration.getType();
  const meta = member(type, '_', declaration);
  const name = meta && literalOf(member(meta, 'name', declaration));
  const columnsType = meta && member(meta, 'columns', declaration);
  if (!name || !columnsType || !type.getProperty('$inferSelect')) return undefined;
  const columns: (ColumnInfo & { kind: string | undefined })[] = [];
  for (const property of columnsType.getProperties()) {
    const column = property.getTypeAtLocation(declaration);
    const config = member(column, '_', declaration);
    const sqlName = config && literalOf(member(config, 'name', declaration));
    if (!config || !sqlName) continue;
    columns.push({
      property: property.getName(),
      name: sqlName,
      notNull: member(config, 'notNull', declaration)?.getText() === 'true',
      kind: literalOf(member(config, 'columnType', declaration)),
    });
  }
  const brand = type.getProperties().find((p) => p.getName().startsWith(BRAND));
  const base = {
    exportName: declaration.getName(),
    file: declaration.getSourceFile().getFilePath(),
    name,
    columns: columns.map(({ kind: _kind, ...c }) => c),
    indexes: [],
  };
  if (!brand) return { ...base, sharding: 'unsharded' };
  if (brand.getTypeAtLocation(declaration).isNever()) return { ...base, sharding: 'reference' };
  const key = columns.find((c) => c.property === keyProperty(declaration));
  if (!key) return undefined;
  return {
    ...base,
    sharding: 'sharded',
    keyColumn: key.name,
    keyProperty: key.property,
    keyKind: KEY_KINDS[key.kind ?? ''] ?? 'int',
  };
}

const cache = new WeakMap<object, TableInfo[]>();

/** The drizzle tables a source file declares at module level (cached per parsed file). */
export function tablesDeclaredIn(file: SourceFile): TableInfo[] {
  const cached = cache.get(file.compilerNode);
  if (cached) return cached;
  const tables: TableInfo[] = [];
  for (const statement of file.getVariableStatements())
    for (const declaration of statement.getDeclarations())
      if (declaration.getInitializer()?.isKind(SyntaxKind.CallExpression)) {
        const table = tableOf(declaration);
        if (table) tables.push(table);
      }
  cache.set(file.compilerNode, tables);
  return tables;
}
