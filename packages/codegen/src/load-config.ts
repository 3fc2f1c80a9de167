import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { type CodegenConfig, type ResolvedConfig, resolveConfig } from './config.ts';
import { CodegenError } from './errors.ts';

const CONFIG_NAMES = ['drizzle-shard.config.ts', 'drizzle-shard.config.mts', 'drizzle-shard.config.js'];

async function importDefault(file: string): Promise<unknown> {
  try {
    const module = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
    return module.default;
  } catch (error) {
    throw new CodegenError(
      'CODEGEN_CONFIG_INVALID',
      `Could not load ${file}: ${String((error as Error)?.message ?? error).split('\n')[0]}`,
      { cause: error },
    );
  }
}

/**
 * Finds the config: `--config`, else `drizzle-shard.config.ts` in `cwd`, else the `schema` of an
 * existing `drizzle.config.ts` (queries default to `src/**\/*.ts`, output to `drizzle-shard/`).
 */
export async function loadConfig(cwd: string, explicit?: string): Promise<ResolvedConfig> {
  const file = explicit
    ? path.resolve(cwd, explicit)
    : CONFIG_NAMES.map((n) => path.join(cwd, n)).find(existsSync);
  if (explicit && !existsSync(file!))
    throw new CodegenError('CODEGEN_CONFIG_INVALID', `No config file at ${file}.`);
  if (file) {
    const config = (await importDefault(file)) as CodegenConfig | undefined;
    if (!config || typeof config !== 'object') {
      throw new CodegenError(
        'CODEGEN_CONFIG_INVALID',
        `${file} must \`export default defineConfig({ schema, queries, out })\`.`,
      );
    }
    return resolveConfig(config, path.dirname(file));
  }
  const drizzleConfig = path.join(cwd, 'drizzle.config.ts');
  if (existsSync(drizzleConfig)) {
    const kit = (await importDefault(drizzleConfig)) as { schema?: string | string[] } | undefined;
    if (kit?.schema)
      return resolveConfig({ schema: kit.schema, queries: ['src/**/*.ts'], out: 'drizzle-shard' }, cwd);
  }
  throw new CodegenError(
    'CODEGEN_CONFIG_INVALID',
    `No drizzle-shard.config.ts (or drizzle.config.ts with a schema) in ${cwd}. Create one: export default defineConfig({ schema: './src/schema.ts', queries: ['src/**/*.ts'], out: './src/generated' }).`,
  );
}
