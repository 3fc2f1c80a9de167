import { redactText } from 'drizzle-shard';
import postgres from 'postgres';
import type { ApplyIndexErrorCode } from './apply-index-error.ts';
import type { IndexApplyFailure } from './apply-report.ts';

/** A report entry for a failure, passwords redacted, with the server's SQLSTATE when it has one. */
export function indexFailure(code: ApplyIndexErrorCode, message: string, cause?: unknown): IndexApplyFailure {
  const sqlState = sqlStateOf(cause);
  return { code, message: redactText(message), ...(sqlState ? { sqlState } : {}) };
}

/** An error's message with its SQLSTATE, passwords redacted. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const sqlState = sqlStateOf(error);
  return redactText(sqlState ? `${message} (SQLSTATE ${sqlState})` : message);
}

function sqlStateOf(error: unknown): string | undefined {
  if (error instanceof postgres.PostgresError) return error.code;
  return undefined;
}
