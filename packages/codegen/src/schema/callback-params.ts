import { Project, type SourceFile, SyntaxKind } from 'ts-morph';
import type { TableInfo } from '../model.ts';

/** SQL table name → the first parameter of its `pgTable(name, columns, (table) => …)` callback. */
function paramsIn(file: SourceFile, out: Map<string, string>, seen: Set<SourceFile>): void {
  if (seen.has(file)) return;
  seen.add(file);
  for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const [name, , extra] = call.getArguments();
    if (!name?.isKind(SyntaxKind.StringLiteral) || !extra) continue;
    const param = extra.isKind(SyntaxKind.ArrowFunction) ? extra.getParameters()[0] : undefined;
    if (param?.getNameNode().isKind(SyntaxKind.Identifier)) out.set(name.getLiteralText(), param.getName());
  }
  for (const declaration of file.getExportDeclarations()) {
    const target = declaration.getModuleSpecifierSourceFile();
    if (target) paramsIn(target, out, seen);
  }
}

/**
 * The tables with the parameter name the app's schema uses in its extra-config callbacks
 * (`(table) => [index(…).on(table.teamId)]`), so suggested snippets read like the app's code.
 * Tables without a callback take the name most of the others use.
 */
export function withCallbackParams(
  tables: readonly TableInfo[],
  schemaFiles: readonly string[],
): TableInfo[] {
  const project = new Project({ skipAddingFilesFromTsConfig: true, compilerOptions: { allowJs: false } });
  const names = new Map<string, string>();
  const seen = new Set<SourceFile>();
  for (const file of project.addSourceFilesAtPaths([...schemaFiles])) paramsIn(file, names, seen);
  const counts = new Map<string, number>();
  for (const n of names.values()) counts.set(n, (counts.get(n) ?? 0) + 1);
  const usual = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? 't';
  return tables.map((t) => ({ ...t, callbackParam: names.get(t.name) ?? usual }));
}
