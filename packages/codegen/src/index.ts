export * from './apply/index.ts';
export { type CodegenConfig, defineConfig, type ResolvedConfig, resolveConfig } from './config.ts';
export { CodegenError, type CodegenErrorCode } from './errors.ts';
export { type GenerateResult, generate, staleFiles, writeOutputs } from './generate.ts';
export { loadConfig } from './load-config.ts';
export type * from './model.ts';
export { recommendIndexes } from './recommend/recommend-indexes.ts';
export { scanQueries } from './scan/scan-queries.ts';
export { loadSchema } from './schema/load-schema.ts';
