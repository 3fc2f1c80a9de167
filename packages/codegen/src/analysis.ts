// The query analysis alone (ts-morph, no schema loading, no database): what the scatter report and
// eslint-plugin-drizzle-shard share. `@drizzle-shard/codegen/analysis`.
export type * from './model.ts';
export { analyseSourceFile } from './scan/analyse.ts';
export { type ShardError, type ShardErrorKind, shardErrors } from './scan/shard-errors.ts';
