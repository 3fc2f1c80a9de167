export { type CodegenConfig, defineConfig, type ResolvedConfig, resolveConfig } from './config.ts';
export { CodegenError, type CodegenErrorCode } from './errors.ts';
export { type GenerateOptions, type GenerateResult, generate, staleFiles, writeOutputs } from './generate.ts';
export { loadConfig } from './load-config.ts';
export type * from './model.ts';
export { covers } from './recommend/covers.ts';
export {
  createIndexSql,
  dropIndexSql,
  MAX_IDENTIFIER_BYTES,
  quoteIdentifier,
} from './recommend/index-sql.ts';
export { recommendIndexes } from './recommend/recommend-indexes.ts';
export { analyseSourceFile } from './scan/analyse.ts';
export { scanQueries } from './scan/scan-queries.ts';
export { type ShardError, type ShardErrorKind, shardErrors } from './scan/shard-errors.ts';
export { loadSchema, readSchema } from './schema/load-schema.ts';
export { schemaAdvice } from './schema/schema-advice.ts';
