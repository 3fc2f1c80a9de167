import { redactText } from 'drizzle-shard';

export type CodegenErrorCode =
  | 'CODEGEN_CONFIG_INVALID'
  | 'CODEGEN_SCHEMA_LOAD_FAILED'
  | 'CODEGEN_SCHEMA_EMPTY'
  | 'CODEGEN_SOURCE_INVALID'
  /** A recommendation cannot be turned into SQL (empty name, no columns, identifier too long). */
  | 'CODEGEN_INDEX_RECOMMENDATION_INVALID';

/** A codegen failure with a stable code; the CLI exits 2 on these and writes no output. */
export class CodegenError extends Error {
  override name = 'CodegenError';
  constructor(
    readonly code: CodegenErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(redactText(message), options);
  }
}
