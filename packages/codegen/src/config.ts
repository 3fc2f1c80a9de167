import path from 'node:path';
import { CodegenError } from './errors.ts';

/** `drizzle-shard.config.ts`: `export default defineConfig({ ... })`. Paths are relative to the config file. */
export interface CodegenConfig {
  /** Schema module(s) exporting the drizzle tables (as drizzle-kit's `schema`). */
  readonly schema: string | readonly string[];
  /** Files or globs of the app's code to scan for queries (`src/**\/*.ts`). */
  readonly queries: readonly string[];
  /** Folder for the generated files. */
  readonly out: string;
}

export function defineConfig(config: CodegenConfig): CodegenConfig {
  return config;
}

export interface ResolvedConfig {
  readonly root: string;
  readonly schemaFiles: readonly string[];
  readonly queries: readonly string[];
  readonly out: string;
}

export function resolveConfig(config: CodegenConfig, root: string): ResolvedConfig {
  const schema = typeof config.schema === 'string' ? [config.schema] : config.schema;
  if (!schema?.length)
    throw new CodegenError('CODEGEN_CONFIG_INVALID', 'config.schema must name at least one schema file.');
  if (!config.out)
    throw new CodegenError('CODEGEN_CONFIG_INVALID', 'config.out must name the folder for generated files.');
  return {
    root,
    schemaFiles: schema.map((f) => path.resolve(root, f)),
    queries: (config.queries ?? []).map((q) => q),
    out: path.resolve(root, config.out),
  };
}
