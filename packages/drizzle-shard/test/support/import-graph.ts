import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';

/** One import (or re-export) of a source file of the runtime. */
export interface ImportEdge {
  /** The importing file, relative to `src/` (`driver/shard-node.ts`). */
  readonly from: string;
  /** The imported file relative to `src/` for relative specifiers, else the package (`drizzle-orm/pg-core`). */
  readonly to: string;
  /** Whether `to` is a file of the runtime (a relative specifier). */
  readonly local: boolean;
  /** `import type` / `export type`: erased at build time. */
  readonly typeOnly: boolean;
}

/** The top-level folder of a file under `src/` (`driver`), or `''` for files at the root of `src/`. */
export function partOf(file: string): string {
  const slash = file.indexOf('/');
  return slash === -1 ? '' : file.slice(0, slash);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

// `import … from '…'`, `export … from '…'` (also over several lines), `import '…'`, `import('…')`.
const STATIC = /^\s*(import|export)\s+(type\s+)?(?:[^;'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every `.ts` file under `srcDir`, relative to it (`driver/shard-node.ts`). */
export function runtimeFiles(srcDir: string): string[] {
  return sourceFiles(srcDir).map((path) => relative(srcDir, path).split(sep).join('/'));
}

/** Every import of every `.ts` file under `srcDir`, read from the import lines. */
export function importGraph(srcDir: string): ImportEdge[] {
  return runtimeFiles(srcDir).flatMap((from) => {
    const text = readFileSync(join(srcDir, from), 'utf8');
    const edge = (specifier: string, typeOnly: boolean): ImportEdge => {
      const local = specifier.startsWith('.');
      const to = local ? posix.normalize(posix.join(posix.dirname(from), specifier)) : specifier;
      return { from, to, local, typeOnly };
    };
    return [
      ...[...text.matchAll(STATIC)].map((m) => edge(m[3]!, m[2] !== undefined)),
      ...[...text.matchAll(DYNAMIC)].map((m) => edge(m[1]!, false)),
    ];
  });
}
