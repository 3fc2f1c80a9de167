import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from './config.ts';
import { helpersModule } from './emit/helpers-module.ts';
import { indexesJson, indexesSql, indexSnippets } from './emit/indexes-files.ts';
import { fanOutPatterns, scatterPatterns, scatterReport } from './emit/scatter-report.ts';
import type { AccessPattern, IndexRecommendation, SchemaAdvice, TableInfo } from './model.ts';
import { plannerBenefits } from './recommend/planner-benefit.ts';
import { recommendIndexes } from './recommend/recommend-indexes.ts';
import { scanQueries } from './scan/scan-queries.ts';
import { type ShardError, shardErrors } from './scan/shard-errors.ts';
import { withCallbackParams } from './schema/callback-params.ts';
import { readSchema } from './schema/load-schema.ts';

export interface GenerateResult {
  readonly tables: readonly TableInfo[];
  readonly patterns: readonly AccessPattern[];
  readonly indexes: readonly IndexRecommendation[];
  /** Queries the top-level db gets on a sharded table without the key: they throw at run time. */
  readonly scatter: readonly AccessPattern[];
  /** Statements that throw at run time (unkeyed queries and inserts, top-level transactions). */
  readonly errors: readonly ShardError[];
  /** Explicit fan-outs (`db.allShards()`): a cost, not an error. */
  readonly fanOuts: readonly AccessPattern[];
  /** Sharding rules the schema breaks, with the fix (warnings; errors under `--strict`). */
  readonly schemaAdvice: readonly SchemaAdvice[];
  /** File name (in `out`) → content. */
  readonly files: ReadonlyMap<string, string>;
}

/** The app's source globs, absolute, never including the generated folder. */
function sourceGlobs(config: ResolvedConfig): string[] {
  return [...config.queries.map((q) => path.resolve(config.root, q)), `!${path.resolve(config.out)}/**`];
}

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** A database with the app's data (one shard): index benefits come from its planner statistics. */
  readonly url?: string;
}

/** Everything `drizzle-shard generate` produces, in memory (nothing is written). */
export async function generate(
  config: ResolvedConfig,
  options: GenerateOptions = {},
): Promise<GenerateResult> {
  const schema = await readSchema(config.schemaFiles);
  const tables = withCallbackParams(schema.tables, config.schemaFiles);
  const patterns = scanQueries(sourceGlobs(config), tables, config.root);
  const shaped = recommendIndexes(patterns, tables);
  const indexes = options.url ? await plannerBenefits(options.url, shaped, tables) : shaped;
  const scatter = scatterPatterns(patterns, tables);
  const errors = shardErrors(patterns, tables);
  const fanOuts = fanOutPatterns(patterns, tables);
  const files = new Map<string, string>([
    ['helpers.ts', helpersModule(tables, patterns, config.out)],
    ['indexes.sql', indexesSql(indexes)],
    ['indexes.json', indexesJson(indexes)],
    ['index-snippets.md', indexSnippets(indexes, tables)],
    ['scatter.md', scatterReport(patterns, tables)],
  ]);
  return { tables, patterns, indexes, scatter, errors, fanOuts, schemaAdvice: schema.advice, files };
}

/** Output files whose content on disk differs from `result` (missing ones included). */
export function staleFiles(result: GenerateResult, out: string): string[] {
  return [...result.files]
    .filter(([name, content]) => {
      const file = path.join(out, name);
      return !existsSync(file) || readFileSync(file, 'utf8') !== content;
    })
    .map(([name]) => name);
}

/** Writes every output (each through a temp file and rename, so a reader never sees half a file). */
export function writeOutputs(result: GenerateResult, out: string): string[] {
  mkdirSync(out, { recursive: true });
  const changed = staleFiles(result, out);
  for (const name of changed) {
    const file = path.join(out, name);
    writeFileSync(`${file}.tmp`, result.files.get(name)!);
    renameSync(`${file}.tmp`, file);
  }
  return changed;
}
