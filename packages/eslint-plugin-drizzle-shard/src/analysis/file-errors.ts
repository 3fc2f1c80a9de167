import path from 'node:path';
import {
  analyseSourceFile,
  type ShardError,
  shardErrors,
  type TableInfo,
} from '@drizzle-shard/codegen/analysis';
import { mirroredFile, type ProgramTexts } from './mirror-project.ts';
import { tablesDeclaredIn } from './type-tables.ts';

const cache = new WeakMap<object, Map<string, { text: string; errors: ShardError[] }>>();

/**
 * The statements of one file that throw at run time (see `shardErrors` in
 * `@drizzle-shard/codegen/analysis`), for the schema's tables as their types describe them.
 * Computed once per program and file text: the three rules share it.
 */
export function fileErrors(program: ProgramTexts, fileName: string, text: string): ShardError[] {
  const perProgram = cache.get(program) ?? new Map<string, { text: string; errors: ShardError[] }>();
  cache.set(program, perProgram);
  const hit = perProgram.get(fileName);
  if (hit?.text === text) return hit.errors;
  const file = mirroredFile(program, fileName, text);
  const tables: TableInfo[] = file
    .getProject()
    .getSourceFiles()
    .filter((f) => !f.isInNodeModules() && !f.isDeclarationFile())
    .flatMap(tablesDeclaredIn);
  const root = path.dirname(fileName);
  const own = path.basename(fileName);
  const errors = shardErrors(analyseSourceFile(file, tables, root), tables).filter(
    (e) => e.location.file === own,
  );
  perProgram.set(fileName, { text, errors });
  return errors;
}
