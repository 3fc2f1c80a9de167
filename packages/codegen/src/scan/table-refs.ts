import { type Node, SyntaxKind } from 'ts-morph';
import type { TableInfo } from '../model.ts';
import { declarationOf } from './values.ts';

/** A column of one of the schema's tables, as a query names it. */
export interface ColumnRef {
  readonly table: TableInfo;
  /** SQL column name. */
  readonly column: string;
}

/** Callback parameters bound to a table (`(t, { eq }) => eq(t.teamId, id)` binds `t`). */
export type TableParams = ReadonlyMap<string, TableInfo>;

/**
 * Resolves table and column expressions to the schema: table exports through import aliases,
 * drizzle `alias(t, 'x')` variables and callback parameters bound to a table.
 */
export class TableRefs {
  private readonly byExport: ReadonlyMap<string, TableInfo>;

  constructor(readonly tables: readonly TableInfo[]) {
    this.byExport = new Map(tables.map((t) => [t.exportName, t]));
  }

  byExportName(name: string): TableInfo | undefined {
    return this.byExport.get(name);
  }

  /** The table of an SQL name. */
  bySqlName(name: string): TableInfo | undefined {
    return this.tables.find((t) => t.name === name);
  }

  /** The table `node` names (`orders`, `o` for `import { orders as o }`, `alias(orders, 'x')`). */
  table(node: Node | undefined, params: TableParams = new Map()): TableInfo | undefined {
    if (!node?.isKind(SyntaxKind.Identifier)) return undefined;
    const bound = params.get(node.getText());
    if (bound) return bound;
    const symbol = node.getSymbol();
    const target = symbol?.isAlias() ? symbol.getAliasedSymbol() : symbol;
    const direct = this.byExport.get(target?.getName() ?? node.getText());
    if (direct && this.isSchemaTable(target?.getDeclarations()[0])) return direct;
    const init = declarationOf(node)?.initializer;
    if (init?.isKind(SyntaxKind.CallExpression) && init.getExpression().getText() === 'alias')
      return this.table(init.getArguments()[0], params);
    return undefined;
  }

  /** `orders.userId`, `t.userId` (bound parameter) → the column, else undefined. */
  column(node: Node | undefined, params: TableParams = new Map()): ColumnRef | undefined {
    if (!node?.isKind(SyntaxKind.PropertyAccessExpression)) return undefined;
    const table = this.table(node.getExpression(), params);
    const column = table?.columns.find((c) => c.property === node.getName());
    return table && column ? { table, column: column.name } : undefined;
  }

  /** A name is the schema's table unless it is a parameter or a variable inside a function. */
  private isSchemaTable(declaration: Node | undefined): boolean {
    if (!declaration) return true;
    if (declaration.isKind(SyntaxKind.Parameter) || declaration.isKind(SyntaxKind.BindingElement))
      return false;
    if (!declaration.isKind(SyntaxKind.VariableDeclaration)) return true;
    return declaration.getVariableStatement()?.getParent()?.isKind(SyntaxKind.SourceFile) ?? false;
  }
}
