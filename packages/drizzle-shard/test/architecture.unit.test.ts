import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ImportEdge, importGraph, partOf, runtimeFiles } from './support/import-graph.ts';

/**
 * The runtime's layout (README, "Inside the runtime"): which folders of `src/` each folder may
 * import. Files at the root of `src/` other than index.ts (errors, redaction, deadlines, event
 * sinks) are shared leaves: anyone may import them, they import only each other. index.ts
 * re-exports the public API from anywhere.
 */
const ALLOWED: Record<string, readonly string[]> = {
  driver: ['drizzle', 'consistency', 'replicas', 'reference', 'ids', 'routing', 'schema', 'fanout'],
  drizzle: ['routing', 'schema', 'fanout'],
  consistency: ['replicas'],
  replicas: [],
  reference: [],
  ids: ['routing', 'schema'],
  routing: ['schema'],
  schema: [],
  fanout: [],
};

/** drizzle-orm entry points an app imports itself; the types the public API speaks come from these. */
const PUBLIC_DRIZZLE = [
  'drizzle-orm',
  'drizzle-orm/pg-core',
  'drizzle-orm/postgres-js',
  'drizzle-orm/logger',
  'drizzle-orm/cache/core',
];
/** Pure folders: no database client, no drizzle (schema/ describes drizzle tables, so it may). */
const PURE = ['fanout', 'routing', 'schema'];

const isDrizzle = (to: string) => to === 'drizzle-orm' || to.startsWith('drizzle-orm/');

/** Why an import breaks the layout, or undefined when it is allowed. */
function violation(edge: ImportEdge): string | undefined {
  const from = partOf(edge.from);
  if (edge.local) {
    const to = partOf(edge.to);
    if (edge.to === 'index.ts') return 'index.ts is the public entry point: import the file itself';
    if (edge.from === 'index.ts' || to === '' || to === from) return undefined;
    if (from === '') return 'shared root files import only each other';
    if (!(from in ALLOWED)) return `${from}/ is not a part of the layout (add it to ALLOWED and the README)`;
    return ALLOWED[from]!.includes(to) ? undefined : `${from}/ may not import ${to}/`;
  }
  if (PURE.includes(from) && (edge.to === 'postgres' || (from !== 'schema' && isDrizzle(edge.to)))) {
    return `${from}/ is pure: no ${edge.to}`;
  }
  if (!isDrizzle(edge.to) || from === 'drizzle') return undefined;
  if (!PUBLIC_DRIZZLE.includes(edge.to)) return `only drizzle/ imports drizzle internals (${edge.to})`;
  if (!edge.typeOnly && from !== 'schema') {
    return 'only drizzle/ (and schema/, for table and column builders) imports values from drizzle-orm; use a factory in drizzle/';
  }
  return undefined;
}

const srcDir = fileURLToPath(new URL('../src', import.meta.url));

describe('the runtime layout', () => {
  const graph = importGraph(srcDir);

  it('reads the import lines of every source file', () => {
    expect(new Set(graph.map((e) => e.from)).size).toBeGreaterThan(60);
    expect(graph).toContainEqual({
      from: 'driver/shard-node.ts',
      to: 'drizzle/shard-database.ts',
      local: true,
      typeOnly: false,
    });
    expect(graph.filter((e) => e.local && e.to.startsWith('..'))).toEqual([]);
  });

  it('every import follows the allowed arrows and the drizzle seam', () => {
    const broken = graph.flatMap((e) => {
      const why = violation(e);
      return why ? [`${e.from} → ${e.to}: ${why}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it('no folder imports a folder that imports it back (the allowed arrows have no cycle)', () => {
    const visiting = new Set<string>();
    const cycle = (part: string, path: readonly string[]): string[] | undefined => {
      if (path.includes(part)) return [...path, part];
      if (visiting.has(part)) return undefined;
      visiting.add(part);
      for (const next of ALLOWED[part] ?? []) {
        const found = cycle(next, [...path, part]);
        if (found) return found;
      }
      return undefined;
    };
    expect(Object.keys(ALLOWED).flatMap((part) => cycle(part, []) ?? [])).toEqual([]);
  });

  it('only drizzle/ reads drizzle objects’ internals (`._`)', () => {
    const readers = runtimeFiles(srcDir)
      .filter((file) => !['drizzle', 'schema'].includes(partOf(file)))
      .filter((file) => /\._(?![\w$])|\['_'\]/.test(readFileSync(join(srcDir, file), 'utf8')));
    expect(readers).toEqual([]);
  });

  it('names the broken arrow', () => {
    const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({
      from,
      to,
      local: !to.includes('-orm') && to !== 'postgres',
      typeOnly,
    });
    expect(violation(edge('drizzle/routed-query.ts', 'driver/merge-results.ts', true))).toBe(
      'drizzle/ may not import driver/',
    );
    expect(violation(edge('replicas/replica-set.ts', 'consistency/session.ts'))).toBe(
      'replicas/ may not import consistency/',
    );
    expect(violation(edge('driver/shard-node.ts', 'drizzle-orm/postgres-js'))).toMatch(
      /values from drizzle-orm/,
    );
    expect(violation(edge('driver/config.ts', 'drizzle-orm/logger', true))).toBeUndefined();
    expect(violation(edge('driver/x.ts', 'drizzle-orm/pg-core/query-builders/count', true))).toMatch(
      /drizzle internals/,
    );
    expect(violation(edge('fanout/x.ts', 'drizzle-orm', true))).toMatch(/pure/);
    expect(violation(edge('errors.ts', 'driver/config.ts', true))).toMatch(/shared root files/);
    expect(violation(edge('driver/x.ts', 'errors.ts'))).toBeUndefined();
    expect(violation(edge('driver/x.ts', 'index.ts'))).toMatch(/public entry point/);
  });
});
