import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// What each published package may depend on (issue #17): installing the runtime or the CLI must not
// pull in the test kit, testcontainers or a TypeScript compiler they do not need.
const root = path.resolve(import.meta.dirname, '..');

interface Manifest {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  publishConfig?: { exports?: Record<string, unknown>; bin?: Record<string, string> };
}

function manifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest;
}

function sources(dir: string): { file: string; text: string }[] {
  const base = path.join(root, 'packages', dir, 'src');
  return readdirSync(base, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: f, text: readFileSync(path.join(base, f), 'utf8') }));
}

/** Files with a static value import (not `import type`, not `import()`) of `specifier`. */
function staticImporters(dir: string, specifier: string): string[] {
  const pattern = new RegExp(`^import (?!type )[^;]*from '${specifier}';`, 'm');
  return sources(dir)
    .filter((s) => pattern.test(s.text))
    .map((s) => s.file);
}

describe('published package dependencies', () => {
  it('the runtime depends on nothing but its peers drizzle-orm and postgres', () => {
    const runtime = manifest('drizzle-shard');
    expect(runtime.dependencies ?? {}).toEqual({});
    expect(Object.keys(runtime.peerDependencies ?? {}).sort()).toEqual(['drizzle-orm', 'postgres']);
  });

  it('ts-morph only in codegen, DuckDB only in ops, testcontainers only in the kit', () => {
    const owners: Record<string, string> = {
      'ts-morph': 'codegen',
      '@duckdb/node-api': 'ops',
      testcontainers: 'testing',
    };
    for (const dir of ['drizzle-shard', 'codegen', 'ops', 'cli', 'testing']) {
      const m = manifest(dir);
      const declared = { ...m.dependencies, ...m.peerDependencies };
      for (const [dep, owner] of Object.entries(owners)) {
        if (owner !== dir) expect(declared[dep], `${dep} in ${dir}`).toBeUndefined();
      }
    }
  });

  it('the CLI has the kit as an optional peer and imports it only when `dev up` runs', () => {
    const cli = manifest('cli');
    expect(cli.dependencies?.['@drizzle-shard/testing']).toBeUndefined();
    expect(cli.peerDependenciesMeta?.['@drizzle-shard/testing']?.optional).toBe(true);
    expect(staticImporters('cli', '@drizzle-shard/testing')).toEqual([]);
  });

  it("the CLI's entry imports no command up front (`--help` loads no ts-morph, DuckDB or kit)", () => {
    const main = readFileSync(path.join(root, 'packages/cli/src/main.ts'), 'utf8');
    expect(main).toMatch(/import\(\s*'\.\/commands\//);
    expect(main).not.toMatch(/^import (?!type )[^;]*from '\.\/commands\//m);
  });

  it('the kit has testcontainers as an optional peer and imports it only for the docker backend', () => {
    const kit = manifest('testing');
    expect(kit.dependencies?.testcontainers).toBeUndefined();
    expect(kit.peerDependenciesMeta?.testcontainers?.optional).toBe(true);
    expect(staticImporters('testing', 'testcontainers')).toEqual([]);
  });

  it('every package publishes compiled files, the CLI its compiled bin', () => {
    for (const dir of ['drizzle-shard', 'codegen', 'ops', 'cli', 'testing']) {
      expect(JSON.stringify(manifest(dir).publishConfig?.exports), dir).toMatch(/\.\/dist\/index\.d\.mts/);
      expect(JSON.stringify(manifest(dir).publishConfig?.exports), dir).not.toMatch(/\.\/src\//);
    }
    expect(manifest('cli').publishConfig?.bin).toEqual({ 'drizzle-shard': './dist/bin.mjs' });
  });
});
