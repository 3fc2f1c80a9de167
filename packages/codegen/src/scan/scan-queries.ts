import { Project } from 'ts-morph';
import type { AccessPattern, TableInfo } from '../model.ts';
import { analyseSourceFile } from './analyse.ts';

/**
 * Finds drizzle queries on the schema's tables in the app's code (query-builder chains from
 * `.from(t)`, `.update(t)`, `.delete(t)`, `$count(t, …)`, relational `db.query.t.findMany`, raw
 * `execute(sql…)`) and reads their filters, sorts, limits and routing, with file:line.
 */
export function scanQueries(
  files: readonly string[],
  tables: readonly TableInfo[],
  root: string,
): AccessPattern[] {
  const project = new Project({ skipAddingFilesFromTsConfig: true, compilerOptions: { allowJs: false } });
  project.addSourceFilesAtPaths([...files]);
  return project
    .getSourceFiles()
    .filter((file) => !file.isInNodeModules())
    .flatMap((file) => analyseSourceFile(file, tables, root))
    .sort((a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line);
}
